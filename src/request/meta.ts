/**
 * The request headers Koe reads, read the same way by every server, and checked at the door:
 * a purpose or request id over its column's length, or holding control characters, is refused
 * with 400 BAD_USER_INPUT naming the header before anything else runs (`refuseMalformedHeaders`).
 * `requestMeta` never throws and only returns values that fit where Koe keeps them, so the
 * refusal itself can be recorded: a malformed purpose reads as none, a malformed id is replaced.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { BadUserInputError } from './errors.js';

/**
 * What the servers read of a request before Apollo runs: its headers and the caller's address. An
 * `IncomingMessage` is one; so is a call the gateway makes to a subgraph in its own process
 * (src/server/local-call.ts), which has no socket of its own.
 */
export interface RequestHead {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly socket: { readonly remoteAddress?: string | undefined };
}

export interface RequestMeta {
  requestId: string;
  authorization: string | undefined;
  purpose: string | null;
  clientAddress: string | null;
}

/** The audit trail's `purpose` and `request_id` columns hold 64 characters. */
export const MAX_PURPOSE_LENGTH = 64;
export const MAX_REQUEST_ID_LENGTH = 64;

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
// C0, DEL and C1: Node's parser lets a tab and bytes 0x80-0x9f (read as latin1) through.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

// One request, one id: the refusal event, the log line and the context agree on a generated id.
const seen = new WeakMap<RequestHead, RequestMeta>();

export function requestMeta(req: RequestHead): RequestMeta {
  let meta = seen.get(req);
  if (meta) return meta;
  const rid = header(req, 'x-request-id');
  const purpose = header(req, 'x-koe-purpose')?.trim() || null;
  meta = {
    requestId: rid && REQUEST_ID.test(rid) ? rid : randomUUID(),
    authorization: header(req, 'authorization'),
    purpose: purpose !== null && headerProblem(purpose, MAX_PURPOSE_LENGTH) === null ? purpose : null,
    clientAddress: req.socket.remoteAddress ?? null,
  };
  seen.set(req, meta);
  return meta;
}

/** Throws BAD_USER_INPUT naming the first malformed header Koe reads; the value is never echoed. */
export function refuseMalformedHeaders(req: RequestHead): void {
  const checks: Array<[string, string, number]> = [
    ['X-Koe-Purpose', 'x-koe-purpose', MAX_PURPOSE_LENGTH],
    ['X-Request-Id', 'x-request-id', MAX_REQUEST_ID_LENGTH],
  ];
  for (const [name, key, max] of checks) {
    const value = header(req, key);
    const problem = value === undefined ? null : headerProblem(key === 'x-koe-purpose' ? value.trim() : value, max);
    if (problem) throw new BadUserInputError(name, problem);
  }
}

function headerProblem(value: string, max: number): string | null {
  if (value.length > max) return `is ${value.length} characters long; at most ${max} are accepted`;
  if (CONTROL.test(value)) return 'contains control characters';
  return null;
}

function header(req: RequestHead, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
