/** The two refusals of this folder, with the codes declared in src/schema/errors.ts. */
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../request/errors.js';

export class QueryTooComplexError extends GraphQLError {
  constructor(limit: string, measured: number, max: number) {
    super(`Query refused: ${limit} is ${measured}, the limit is ${max}. Split the query or ask for fewer items.`, {
      extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit, measured, max, http: { status: 400 } },
    });
  }
}

export class RateLimitedError extends GraphQLError {
  constructor(what: string, max: number, retryAfterSeconds: number) {
    const headers = new Map([['retry-after', String(retryAfterSeconds)]]);
    super(`Rate limit reached: more than ${max} ${what} per minute. Retry after ${retryAfterSeconds} s.`, {
      extensions: { code: ErrorCode.RATE_LIMITED, limit: what, max, retryAfter: retryAfterSeconds, http: { status: 429, headers } },
    });
  }
}
