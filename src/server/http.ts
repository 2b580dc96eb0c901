/**
 * A bare `node:http` front for an Apollo Server: JSON bodies with a size limit, health probes,
 * and nothing else, so every byte a client can reach is accounted for here. Closing drains:
 * no new connections, in-flight requests finish (bounded by `shutdownGraceMs`), then it returns.
 * With `tls` it serves HTTPS only (see `tls-front.ts`): HSTS on every response, and plain HTTP on
 * the same port gets a refusal, never data.
 */
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { DatabaseFailure } from '../request/errors.js';
import type { RequestHead } from '../request/meta.js';
import type { Handover } from './handover.js';
import { jsonAnswer, writeAnswer, type Answer } from './http-answer.js';
import { localCaller, loopbackOf, type LocalCall } from './local-call.js';
import { databaseFailureOf, serviceUnavailableAnswer } from './ops/database-failure.js';
import { observationOf, withObservation } from './ops/observe.plugin.js';
import { publicReadiness, type Readiness } from './ops/readiness.js';
import type { ResponseEvent } from './ops/request-observer.js';
import { HSTS, listenHttpsOnly } from './tls-front.js';
import type { TlsMaterial } from './tls.js';

export interface HttpOptions<C extends BaseContext> {
  host: string;
  port: number;
  maxBodyBytes?: number;
  context: (req: RequestHead) => Promise<C>;
  /** `/readyz`: 200 when ready, 503 with the failing checks' reasons (no details) otherwise. */
  readiness?: () => Promise<Readiness>;
  /** Called once per request when its response is done (logs, metrics). Must not throw. */
  onResponse?: (ev: ResponseEvent) => void;
  /** Called when a request failed outside Apollo (it is answered 500, or cut): for the ops log. Must not throw. */
  onError?: (err: unknown, requestId: string | undefined) => void;
  /** How long closing waits for in-flight requests before cutting connections (default 10 s). */
  shutdownGraceMs?: number;
  /** Serve HTTPS only, with this certificate and key; absent or null: plain HTTP. */
  tls?: TlsMaterial | null;
  /**
   * Runs first on every request but the probes: true when it answered the request itself (e.g. the
   * gateway's console pages); it may also add to the request on its way to GraphQL.
   */
  front?: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;
  /**
   * Rewrites the GraphQL request before Apollo reads it (the gateway: a trusted document's
   * `documentId` becomes Apollo's persisted-query extension); it may note what it saw on `req`.
   */
  rewrite?: (req: RequestHead, graphql: { method: string; search: string; body: unknown }) => { method: string; search: string; body: unknown };
  /**
   * Runs once Apollo has built a GraphQL answer, before any byte of it is written or handed over:
   * what the request's plugins left in flight (the gateway's edge audit commit) settles here, after
   * overlapping Apollo's serialisation; it may replace the answer.
   */
  settle?: (context: C, answer: Answer) => Promise<Answer>;
}

export interface RunningHttp {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
  /**
   * The same GraphQL endpoint for a caller in this process (the gateway in front of its own
   * subgraphs): the same answers, limits, context, logs and metrics, without a socket. Refused once closing.
   */
  call?: LocalCall;
}

/** What a server learns of one request while answering it, for the response report. */
export interface Seen<C> {
  context?: C;
  /** The database failed this request (building its context or executing it): answered 503. */
  databaseDown?: DatabaseFailure;
  /** Set by an in-process caller: the answer may be handed over rather than serialized (handover.ts). */
  handover?: Handover;
}

const DEFAULT_MAX_BODY = 256 * 1024;
const DEFAULT_GRACE_MS = 10_000;

export async function serveHttp<C extends BaseContext>(apollo: ApolloServer<C>, opts: HttpOptions<C>): Promise<RunningHttp> {
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const tls = opts.tls ?? null;
  const onRequest: RequestListener = (req, res) => {
    if (tls) res.setHeader('strict-transport-security', HSTS);
    // Answers are per principal and may hold personal data: no shared or private cache keeps them.
    res.setHeader('cache-control', 'no-store');
    const t0 = performance.now();
    const seen: Seen<C> = {};
    if (opts.onResponse) {
      const report = opts.onResponse;
      res.once('finish', () => report({ req, status: res.statusCode, ms: performance.now() - t0, context: seen.context as ResponseEvent['context'], databaseDown: seen.databaseDown }));
    }
    handle(apollo, opts, maxBody, req, res, seen).catch((e: unknown) => {
      if (res.headersSent) {
        opts.onError?.(e, requestIdOf(seen, req));
        res.destroy();
      } else void writeAnswer(res, failureAnswer(e, opts, seen, req));
    });
  };
  const graceMs = opts.shutdownGraceMs ?? DEFAULT_GRACE_MS;
  let open = true;
  const local = (address: string) =>
    localCaller<C>({
      answer: (head, raw, seen) => graphqlAnswer(apollo, opts, maxBody, head, raw, '', seen),
      fail: (e, seen, head) => failureAnswer(e, opts, seen, head),
      maxBody,
      onResponse: opts.onResponse,
      isOpen: () => open,
    }, address);
  if (tls) {
    const server = createHttpsServer({ cert: tls.cert, key: tls.key, ...(tls.ca ? { ca: tls.ca } : {}) }, onRequest);
    server.keepAliveTimeout = 65_000;
    const front = await listenHttpsOnly(server, opts.port, opts.host);
    const close = () => ((open = false), front.close(graceMs));
    return { url: `https://${opts.host}:${front.port}/graphql`, port: front.port, server, close, call: local(loopbackOf(opts.host)) };
  }
  const server = createServer(onRequest);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const close = () => ((open = false), drain(server, graceMs));
  return { url: `http://${opts.host}:${port}/graphql`, port, server, close, call: local(loopbackOf(opts.host)) };
}

/** Stop listening, let in-flight requests answer, close keep-alive connections as they go idle. */
function drain(server: Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}

async function handle<C extends BaseContext>(
  apollo: ApolloServer<C>,
  opts: HttpOptions<C>,
  maxBody: number,
  req: IncomingMessage,
  res: ServerResponse,
  seen: Seen<C>,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/healthz') return writeAnswer(res, jsonAnswer(200, { status: 'ok' }));
  if (url.pathname === '/readyz') {
    const r = publicReadiness(opts.readiness ? await opts.readiness() : { ready: true, checks: {} });
    return writeAnswer(res, jsonAnswer(r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not ready', checks: r.checks }));
  }
  if (opts.front && (await opts.front(req, res, url.pathname))) return;
  if (url.pathname !== '/graphql') return writeAnswer(res, jsonAnswer(404, { error: 'not found; GraphQL is served at /graphql' }));
  return writeAnswer(res, await graphqlAnswer(apollo, opts, maxBody, req, await readBody(req, maxBody), url.search, seen));
}

/** A GraphQL request's answer, from its head and raw body (null: over the size limit), however it arrived. */
async function graphqlAnswer<C extends BaseContext>(
  apollo: ApolloServer<C>,
  opts: HttpOptions<C>,
  maxBody: number,
  req: RequestHead,
  raw: string | null,
  search: string,
  seen: Seen<C>,
): Promise<Answer> {
  if (raw === null) {
    return jsonAnswer(413, { errors: [{ message: `Request body over ${maxBody} bytes (KOE_MAX_BODY_BYTES)`, extensions: { code: 'BAD_USER_INPUT', limit: 'bodyBytes', max: maxBody } }] });
  }
  let body: unknown = undefined;
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw);
    } catch {
      return jsonAnswer(400, { errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
    }
  }
  const headers = new HeaderMap();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  const graphql = { method: req.method ?? 'GET', search, body };
  const { method, search: sentSearch, body: sent } = opts.rewrite ? opts.rewrite(req, graphql) : graphql;
  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method, headers, search: sentSearch, body: sent },
    context: async () => {
      try {
        return (seen.context = withObservation(await opts.context(req), seen.handover));
      } catch (e) {
        seen.databaseDown = databaseFailureOf(e) ?? undefined;
        throw e;
      }
    },
  });
  // The database failed somewhere in this request: whatever Apollo built (a masked 500, partial
  // data with field errors, an audit refusal) is replaced by a bare 503.
  const down = (seen.databaseDown ??= observationOf(seen.context)?.databaseDown);
  if (down) {
    const requestId = (seen.context as { requestId?: unknown } | undefined)?.requestId;
    return serviceUnavailableAnswer(typeof requestId === 'string' ? requestId : undefined, down);
  }
  const handed = seen.handover?.result;
  const answer: Answer = { status: result.status ?? 200, headers: [...result.headers], body: result.body.kind === 'complete' ? result.body.string : result.body.asyncIterator, ...(handed ? { result: handed } : {}) };
  return opts.settle && seen.context ? opts.settle(seen.context, answer) : answer;
}

/** A request that failed outside Apollo: 503 when the database failed it, else a bare 500 (and the cause to the ops log). */
function failureAnswer<C extends BaseContext>(e: unknown, opts: HttpOptions<C>, seen: Seen<C>, req: RequestHead): Answer {
  const why = databaseFailureOf(e);
  if (why) return serviceUnavailableAnswer(undefined, why);
  opts.onError?.(e, requestIdOf(seen, req));
  return jsonAnswer(500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
}

function requestIdOf<C>(seen: Seen<C>, req: RequestHead): string | undefined {
  const fromContext = (seen.context as { requestId?: string } | undefined)?.requestId;
  if (fromContext) return fromContext;
  const v = req.headers['x-request-id'];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
