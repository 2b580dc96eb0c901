/**
 * PostgreSQL down or not answering in time: every request is answered with HTTP 503 and
 * `SERVICE_UNAVAILABLE`, no data and no partial PII, instead of a hang or a masked 500; the message
 * and `extensions.reason` say which of the two it was. Nothing here holds state about the outage:
 * the pool opens a fresh connection for the next query, so service resumes when the database is back.
 */
import type { ServerResponse } from 'node:http';
import type { RequestHead } from '../../request/meta.js';
import { jsonAnswer, writeAnswer, type Answer } from '../http-answer.js';
import { DatabaseFailure, ErrorCode, ServiceUnavailableError } from '../../request/errors.js';

// SQLSTATE classes and codes that mean "the database is not there for us" rather than a bad query:
// 08 connection exception, 53 insufficient resources (too many connections), 57P01-57P05 shutdown /
// cannot connect now / idle timeout, 57014 statement timeout, 55000 "not accepting connections"
// (ALLOW_CONNECTIONS false), 3D000 database gone.
const SQLSTATE = /^(08...|53...|57P0[1-5]|57014|55000|3D000)$/;
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const MESSAGES = /Connection terminated|connection error and is not queryable|Timeout acquiring a connection|Unable to acquire a connection|timeout exceeded when trying to connect|Connection ended unexpectedly|Client was closed and is not queryable|not currently accepting connections/i;
// Reached but too slow: 57014 (statement timeout; also a cancel request, which only a timeout
// sends here), and waiting for a pool connection held by such statements.
const TIMED_OUT = /statement timeout|Timeout acquiring a connection|Query read timeout/i;

type ErrorLike = { name?: unknown; code?: unknown; message?: unknown; extensions?: Record<string, unknown>; originalError?: unknown; cause?: unknown; previous?: unknown };

/** What an error (or what it wraps: originalError, cause, previous) says about the database, or null when it is not about reaching it. */
export function databaseFailureOf(err: unknown, depth = 0): DatabaseFailure | null {
  if (!err || typeof err !== 'object' || depth > 6) return null;
  const e = err as ErrorLike;
  if (e.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE) return e.extensions.reason === DatabaseFailure.TIMEOUT ? DatabaseFailure.TIMEOUT : DatabaseFailure.UNREACHABLE;
  // The gateway's view of a subgraph that answered 503 SERVICE_UNAVAILABLE.
  const downstream = downstreamFailure(e.extensions?.response);
  if (downstream) return downstream;
  const timedOut = e.code === '57014' || e.name === 'KnexTimeoutError' || (typeof e.message === 'string' && TIMED_OUT.test(e.message));
  if (timedOut) return DatabaseFailure.TIMEOUT;
  if (e.name === 'ConnectionException') return DatabaseFailure.UNREACHABLE;
  if (typeof e.code === 'string' && (SQLSTATE.test(e.code) || NET_CODES.has(e.code))) return DatabaseFailure.UNREACHABLE;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return DatabaseFailure.UNREACHABLE;
  for (const inner of [e.originalError, e.cause, e.previous]) {
    const found = inner !== err ? databaseFailureOf(inner, depth + 1) : null;
    if (found) return found;
  }
  return null;
}

/** True when an error (or what it wraps) says the database is unreachable or timed out. */
export function isDatabaseUnavailable(err: unknown): boolean {
  return databaseFailureOf(err) !== null;
}

function downstreamFailure(response: unknown): DatabaseFailure | null {
  const r = response as { status?: number; body?: { errors?: Array<{ extensions?: { code?: unknown; reason?: unknown } }> } } | undefined;
  const hit = r?.status === 503 ? r.body?.errors?.find((x) => x.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE) : undefined;
  if (!hit) return null;
  return hit.extensions?.reason === DatabaseFailure.TIMEOUT ? DatabaseFailure.TIMEOUT : DatabaseFailure.UNREACHABLE;
}

/**
 * Wraps a context function once, innermost: a database failure while building the context
 * (authentication reads the principal) becomes SERVICE_UNAVAILABLE, which the refusal recorder
 * passes on and the HTTP front answers with a bare 503.
 */
export function unavailableOnDatabaseFailure<C>(context: (req: RequestHead) => Promise<C>): (req: RequestHead) => Promise<C> {
  return async (req) => {
    try {
      return await context(req);
    } catch (e) {
      const why = databaseFailureOf(e);
      throw why ? new ServiceUnavailableError(why) : e;
    }
  };
}

/** The whole answer while the database is down or too slow: 503, one error, no data, a retry hint. */
export function serviceUnavailableAnswer(requestId?: string, why: DatabaseFailure = DatabaseFailure.UNREACHABLE): Answer {
  const err = new ServiceUnavailableError(why);
  return jsonAnswer(503, { errors: [{ message: err.message, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, reason: why, ...(requestId ? { requestId } : {}) } }] }, [['retry-after', '5']]);
}

export function sendServiceUnavailable(res: ServerResponse, requestId?: string, why: DatabaseFailure = DatabaseFailure.UNREACHABLE): void {
  void writeAnswer(res, serviceUnavailableAnswer(requestId, why));
}
