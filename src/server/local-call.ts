/**
 * A GraphQL server called by the gateway in the same process: the request goes through the same
 * answer path as one read off a socket (body limit, header checks, context, Apollo, the 503 on a
 * database failure, the log line and metrics), only the socket, HTTP parsing and undici are skipped.
 * They were a fifth to a quarter of a dashboard request's CPU when `koe start --single-process`
 * (and the tests) ran the gateway and its subgraphs in one process. Nothing about trust changes: the
 * subgraph checks the same headers (token, principal assertion, proofs) it would over HTTP. An
 * answer's data also skips its JSON round trip: it is handed over as an object (handover.ts).
 */
import type { RequestHead } from '../request/meta.js';
import type { HandedResult } from './handover.js';
import { bodyText, type Answer } from './http-answer.js';
import type { Seen } from './http.js';
import type { ResponseEvent } from './ops/request-observer.js';

export interface LocalRequest {
  method: string;
  headers: Readonly<Record<string, string>>;
  body: string;
}

export interface LocalResponse {
  status: number;
  headers: Array<[string, string]>;
  /** The body, or `result` in its stead: the text would have been `JSON.stringify(result)` and a newline. */
  body: string | { result: HandedResult };
}

export type LocalCall = (req: LocalRequest) => Promise<LocalResponse>;

export interface LocalServer<C> {
  answer(head: RequestHead, raw: string | null, seen: Seen<C>): Promise<Answer>;
  fail(err: unknown, seen: Seen<C>, head: RequestHead): Answer;
  maxBody: number;
  onResponse?: ((ev: ResponseEvent) => void) | undefined;
  /** False once the server closes: a call then fails as a refused connection would. */
  isOpen(): boolean;
}

/** `remoteAddress`: what the server records as the caller's address (a socket's loopback peer). */
export function localCaller<C>(server: LocalServer<C>, remoteAddress: string): LocalCall {
  const socket = { remoteAddress };
  return async ({ method, headers, body }) => {
    if (!server.isOpen()) throw Object.assign(new Error('connect ECONNREFUSED: the server in this process is closed'), { code: 'ECONNREFUSED' });
    const t0 = performance.now();
    const head: RequestHead = { method, url: '/graphql', headers: lowerCased(headers), socket };
    const seen: Seen<C> = { handover: {} };
    let answer: Answer;
    try {
      answer = await server.answer(head, Buffer.byteLength(body) > server.maxBody ? null : body, seen);
    } catch (e) {
      answer = server.fail(e, seen, head);
    }
    const sent = answer.result ? { result: answer.result } : await bodyText(answer);
    server.onResponse?.({ req: head, status: answer.status, ms: performance.now() - t0, context: seen.context as ResponseEvent['context'], databaseDown: seen.databaseDown });
    return { status: answer.status, headers: [['cache-control', 'no-store'], ...answer.headers], body: sent };
  };
}

/** The address a loopback caller appears from when the server listens on `host`. */
export function loopbackOf(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host.replace(/^\[|\]$/g, '');
}

function lowerCased(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in headers) out[k.toLowerCase()] = headers[k]!;
  return out;
}
