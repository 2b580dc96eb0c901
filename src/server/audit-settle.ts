/**
 * The HTTP front's side of a deferred audit commit (src/request/deferred-commit.ts): awaited once
 * Apollo has serialised the answer, before a byte of it is written or handed over. A failed commit
 * turns the answer into what the recorder sends when it refuses an answer itself: 503, no data,
 * AUDIT_UNAVAILABLE, in Apollo's body layout and with Apollo's headers, and the request's log line
 * and metric say so.
 */
import { UNAVAILABLE } from '../audit/audit.plugin.js';
import { committed, type DeferredCommit } from '../request/deferred-commit.js';
import { ErrorCode } from '../request/errors.js';
import type { Answer } from './http-answer.js';
import { observationOf } from './ops/observe.plugin.js';

export async function settleAudit(ctx: { readonly auditCommit?: DeferredCommit }, answer: Answer): Promise<Answer> {
  if (!ctx.auditCommit || (await committed(ctx.auditCommit))) return answer;
  const observed = observationOf(ctx);
  if (observed) observed.errorCode = ErrorCode.AUDIT_UNAVAILABLE;
  return { status: 503, headers: answer.headers, body: `${JSON.stringify({ errors: [UNAVAILABLE], data: null })}\n` };
}
