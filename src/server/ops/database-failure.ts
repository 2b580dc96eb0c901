/**
 * PostgreSQL down: every request is answered with HTTP 503 and `SERVICE_UNAVAILABLE`, no data and
 * no partial PII, instead of a hang or a masked 500. Nothing here holds state about the outage: the
 * pool opens a fresh connection for the next query, so service resumes when the database is back.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, ServiceUnavailableError } from '../../schema/errors.js';

// SQLSTATE classes and codes that mean "the database is not there for us" rather than a bad query:
// 08 connection exception, 53 insufficient resources (too many connections), 57P01-57P05 shutdown /
// cannot connect now / idle timeout, 57014 statement timeout, 55000 "not accepting connections"
// (ALLOW_CONNECTIONS false), 3D000 database gone.
const SQLSTATE = /^(08...|53...|57P0[1-5]|57014|55000|3D000)$/;
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const MESSAGES = /Connection terminated|connection error and is not queryable|Timeout acquiring a connection|Unable to acquire a connection|timeout exceeded when trying to connect|Connection ended unexpectedly|Client was closed and is not queryable|not currently accepting connections/i;

/** True when an error (or what it wraps: originalError, cause, previous) says the database is unreachable. */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 6) return false;
  const e = err as { name?: unknown; code?: unknown; message?: unknown; extensions?: Record<string, unknown>; originalError?: unknown; cause?: unknown; previous?: unknown };
  if (e.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE) return true;
  // The gateway's view of a subgraph that answered 503 SERVICE_UNAVAILABLE.
  if (downstreamUnavailable(e.extensions?.response)) return true;
  if (e.name === 'KnexTimeoutError' || e.name === 'ConnectionException') return true;
  if (typeof e.code === 'string' && (SQLSTATE.test(e.code) || NET_CODES.has(e.code))) return true;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  return [e.originalError, e.cause, e.previous].some((inner) => inner !== err && isDatabaseUnavailable(inner, depth + 1));
}

function downstreamUnavailable(response: unknown): boolean {
  const r = response as { status?: number; body?: { errors?: Array<{ extensions?: { code?: unknown } }> } } | undefined;
  return r?.status === 503 && !!r.body?.errors?.some((x) => x.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE);
}

// Requests whose context creation failed on the database (no context exists to carry the mark).
const downRequests = new WeakSet<IncomingMessage>();

export function markDatabaseDown(req: IncomingMessage): void {
  downRequests.add(req);
}

export function wasDatabaseDown(req: IncomingMessage): boolean {
  return downRequests.has(req);
}

/**
 * Wraps a context function: a database failure while building the context (authentication reads
 * the principal) marks the request, whatever a wrapper further out turns the error into.
 */
export function markingDatabaseFailure<C>(context: (req: IncomingMessage) => Promise<C>): (req: IncomingMessage) => Promise<C> {
  return async (req) => {
    try {
      return await context(req);
    } catch (e) {
      if (isDatabaseUnavailable(e)) {
        markDatabaseDown(req);
        throw new ServiceUnavailableError();
      }
      throw e;
    }
  };
}

/** The whole answer while the database is down: 503, one error, no data, a retry hint. */
export function sendServiceUnavailable(res: ServerResponse, requestId?: string): void {
  const err = new ServiceUnavailableError();
  res.statusCode = 503;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('retry-after', '5');
  res.end(JSON.stringify({ errors: [{ message: err.message, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, ...(requestId ? { requestId } : {}) } }] }));
}
