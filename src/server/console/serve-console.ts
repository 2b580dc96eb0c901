/**
 * The Koe Console on the gateway's port: the built single-page app under `/console` (hashed assets
 * from dist/console, strict CSP, no framing), sign-in and sign-out at `/console/session`, and the
 * session cookie turned into a credential on `/graphql`. The cookie counts only with the
 * `X-Koe-Console: 1` header, which a cross-site form cannot send (CSRF); it becomes a token that
 * lives one minute, so the gateway and every subgraph authenticate it as they do any bearer token
 * (the principal re-read on each request). The console has no other road to data than `/graphql`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import { appendAuditEvents } from '../../audit/append.js';
import type { NewAuditEvent } from '../../audit/event.js';
import { authenticate, type AuthenticateOptions } from '../../auth/authenticate.js';
import { issueConsoleToken } from '../../auth/jwt.js';
import { UnauthenticatedError } from '../../request/errors.js';
import { requestMeta } from '../../request/meta.js';
import type { SsoSettings } from '../../config/index.js';
import type { PolicySet } from '../../policies/index.js';
import type { RateLimitStore } from '../limits/rate-limit.store.js';
import { clearedSessionCookie, cookieValue, freshSession, openSession, sealSession, SESSION_COOKIE, sessionCookie, signedInAt, signOut } from './console-session.js';
import { CallerSchemas } from './console-schema.js';
import { clearedFlowCookie, flowCookie, SSO_CALLBACK_PATH, SSO_FLOW_COOKIE, SSO_START_PATH, SsoClient, SsoRefusal } from './console-sso.js';
import { SignInLimiter } from './sign-in-limit.js';
import { CONSOLE_DIST, sendJson, serveStatic } from './console-static.js';

export const CONSOLE_HEADER = 'x-koe-console';
// Script only from our own files, never inline. Two allowances for the Explorer (GraphiQL + Monaco),
// neither of which runs script: fonts from data: URIs (GraphiQL's stylesheet carries its fonts
// inline) and inline styles (Monaco renders editor lines as HTML with style attributes, which no
// nonce or hash can cover). Injected CSS cannot send anything off-origin: images, fonts and
// connections are limited to this origin (and data:).
const CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "font-src 'self' data:",
  "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

const MINTED_TOKEN_SECONDS = 60;
const MAX_SIGN_IN_BYTES = 8 * 1024;

export interface ConsoleOptions {
  orm: MikroORM;
  jwtSecret: Uint8Array;
  /** How credentials are checked: the same options the API authenticates with. */
  auth: AuthenticateOptions;
  /** Serving HTTPS: the cookie is `Secure`. */
  secure: boolean;
  /** The policy version recorded on the sign-in events. */
  policyVersion: string;
  /** "Sign in with SSO" (KOE_OIDC_ISSUER, KOE_OIDC_CLIENT_ID); null: tokens and API keys only. */
  sso: SsoSettings | null;
  /** The shared rate-limit counters, and how many refused sign-ins an address gets per minute (0: no limit). */
  rateLimits: RateLimitStore;
  signInFailuresPerMinute: number;
  /** The policy the Explorer's per-principal schema is cut by (`/console/schema`). */
  policy: PolicySet;
  dist?: string;
}

interface Front {
  opts: ConsoleOptions;
  sso: SsoClient | null;
  limiter: SignInLimiter;
  schemas: CallerSchemas;
}

/** The HTTP front's hook: answers `/console…`, lends `/graphql` the session's credential; true when it answered. */
export function consoleFront(opts: ConsoleOptions): (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean> {
  const dist = opts.dist ?? CONSOLE_DIST;
  const front: Front = {
    opts, sso: opts.sso ? new SsoClient(opts.sso, opts.jwtSecret) : null, limiter: new SignInLimiter(opts.rateLimits, opts.signInFailuresPerMinute),
    schemas: new CallerSchemas(opts.policy),
  };
  return async (req, res, path) => {
    if (path === '/graphql') {
      // A person opening /graphql in a browser gets the console's Explorer, not Apollo's landing
      // page (which loads its sandbox from the internet and cannot send the session).
      if (req.method === 'GET' && /\btext\/html\b/.test(req.headers.accept ?? '')) return redirect(res, '/console/#explorer');
      await lendSession(opts, req, res);
      return false;
    }
    if (path !== '/console' && !path.startsWith('/console/')) return false;
    secureHeaders(res);
    if (path === '/console/session') await session(front, req, res);
    else if (path === '/console/schema') await callerSchema(front, req, res);
    else if (path === SSO_START_PATH) await ssoStart(front, req, res);
    else if (path === SSO_CALLBACK_PATH) await ssoCallback(front, req, res);
    else serveStatic(dist, req, res, path);
    return true;
  };
}

function secureHeaders(res: ServerResponse): void {
  res.setHeader('content-security-policy', CSP);
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
  res.setHeader('cross-origin-resource-policy', 'same-origin');
}

async function lendSession(opts: ConsoleOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.headers[CONSOLE_HEADER] !== '1' || req.headers.authorization) return;
  const value = cookieValue(req.headers.cookie, SESSION_COOKIE);
  if (!value) return;
  const now = Math.floor(Date.now() / 1000);
  const claims = openSession(opts.jwtSecret, value, now);
  if (!claims) {
    res.setHeader('set-cookie', clearedSessionCookie(opts.secure));
    return;
  }
  req.headers.authorization = `Bearer ${await issueConsoleToken(opts.jwtSecret, claims.sub, MINTED_TOKEN_SECONDS, signedInAt(claims))}`;
  res.setHeader('set-cookie', sessionCookie(sealSession(opts.jwtSecret, { ...claims, seen: now }), opts.secure));
}

/**
 * The Explorer's schema: the SDL this session's principal may use (console-schema.ts), for
 * completion without introspection. Same credential rules as `/graphql`: the console header, a live
 * session, the principal read now (a disabled or signed-out one gets 401).
 */
async function callerSchema(front: Front, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { opts } = front;
  if (req.method !== 'GET') return sendJson(res, 405, { error: 'GET only' });
  if (req.headers[CONSOLE_HEADER] !== '1') return sendJson(res, 403, { error: `the ${CONSOLE_HEADER}: 1 header is required` });
  const claims = openSession(opts.jwtSecret, cookieValue(req.headers.cookie, SESSION_COOKIE) ?? '', Math.floor(Date.now() / 1000));
  if (!claims) return sendJson(res, 401, { error: 'sign in to the console first' });
  try {
    const token = await issueConsoleToken(opts.jwtSecret, claims.sub, MINTED_TOKEN_SECONDS, signedInAt(claims));
    const principal = await authenticate(`Bearer ${token}`, opts.orm.em.fork(), opts.auth);
    const sdl = await front.schemas.sdlFor(principal.roles);
    if (sdl === null) return sendJson(res, 403, { error: 'your roles can read nothing: there is no schema to show' });
    res.setHeader('cache-control', 'no-store');
    return sendJson(res, 200, { sdl });
  } catch (e) {
    if (!(e instanceof UnauthenticatedError)) throw e;
    return sendJson(res, 401, { error: e.message });
  }
}

async function session(front: Front, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { opts } = front;
  // A form can post here too: the custom header proves the console's own script sent it.
  if (req.headers[CONSOLE_HEADER] !== '1') return sendJson(res, 403, { error: `the ${CONSOLE_HEADER}: 1 header is required` });
  // What the sign-in screen offers.
  if (req.method === 'GET') return sendJson(res, 200, { sso: front.sso !== null });
  if (req.method === 'DELETE') {
    const claims = openSession(opts.jwtSecret, cookieValue(req.headers.cookie, SESSION_COOKIE) ?? '', Math.floor(Date.now() / 1000));
    if (claims) {
      await signOut(opts.orm.em.fork(), claims.sub, Date.now());
      await audit(opts, req, { actorId: claims.sub, roles: [], action: 'console.signOut', outcome: 'ok' });
    }
    res.setHeader('set-cookie', clearedSessionCookie(opts.secure));
    return sendJson(res, 200, { signedOut: true });
  }
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST to sign in, DELETE to sign out' });
  const address = requestMeta(req).clientAddress;
  const wait = await front.limiter.retryAfter(address);
  if (wait !== null) return tooManySignIns(res, wait);
  const raw = await readBody(req, MAX_SIGN_IN_BYTES);
  let credential = '';
  try {
    const body = JSON.parse(raw ?? '') as { credential?: unknown };
    if (typeof body.credential === 'string') credential = body.credential.trim();
  } catch {
    // answered below as a missing credential
  }
  if (!credential) return sendJson(res, 400, { error: 'send {"credential": "<token or API key>"}' });
  // A JWT has three dot-separated parts; anything else is tried as an API key.
  const authorization = /^[\w-]+\.[\w-]+\.[\w-]+$/.test(credential) ? `Bearer ${credential}` : `ApiKey ${credential}`;
  const em = opts.orm.em.fork();
  try {
    const principal = await authenticate(authorization, em, opts.auth);
    await audit(opts, req, { actorId: principal.id, roles: principal.roles, action: 'console.signIn', outcome: 'ok' });
    res.setHeader('set-cookie', sessionCookie(sealSession(opts.jwtSecret, freshSession(principal.id, Date.now())), opts.secure));
    return sendJson(res, 200, { principalId: principal.id, displayName: principal.displayName });
  } catch (e) {
    if (!(e instanceof UnauthenticatedError)) throw e;
    await audit(opts, req, { actorId: null, roles: [], action: 'console.signIn', outcome: 'unauthenticated', claimed: e.claimedPrincipalId });
    await front.limiter.failed(address);
    return sendJson(res, 401, { error: 'sign-in refused: the token or API key is not valid, or its principal is disabled' });
  }
}

function tooManySignIns(res: ServerResponse, retryAfter: number): void {
  res.setHeader('retry-after', String(retryAfter));
  sendJson(res, 429, { error: `too many refused sign-ins from this address: try again in ${retryAfter} s` });
}

function redirect(res: ServerResponse, location: string): true {
  res.statusCode = 303;
  res.setHeader('location', location);
  res.end();
  return true;
}

/**
 * The callback address the provider must send the browser back to (registered there): the
 * configured one, else (development only: production requires it, src/config) the address this
 * server listens on, read from the socket. Never the Host header: a forged one would have the
 * provider send the code to another origin wherever the provider lets it.
 */
function redirectUriOf(front: Front, req: IncomingMessage): string {
  return front.opts.sso?.redirectUrl ?? `${front.opts.secure ? 'https' : 'http'}://${listenAddressOf(req)}${SSO_CALLBACK_PATH}`;
}

function listenAddressOf(req: IncomingMessage): string {
  const address = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
  return `${address.includes(':') ? `[${address}]` : address}:${req.socket.localPort ?? ''}`;
}

async function ssoStart(front: Front, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!front.sso) return sendJson(res, 404, { error: 'SSO sign-in is not configured (KOE_OIDC_ISSUER, KOE_OIDC_CLIENT_ID)' });
  if (req.method !== 'GET') return sendJson(res, 405, { error: 'GET only' });
  try {
    const { location, sealed } = await front.sso.begin(redirectUriOf(front, req), Math.floor(Date.now() / 1000));
    res.setHeader('set-cookie', flowCookie(sealed, front.opts.secure));
    redirect(res, location);
  } catch (e) {
    if (!(e instanceof SsoRefusal)) throw e;
    redirect(res, '/console/?sso=unavailable');
  }
}

/**
 * The provider sends the browser back here with a code. Every outcome clears the flow cookie (a
 * flow is finished once) and is audited; success sets the same session cookie as a token sign-in.
 */
async function ssoCallback(front: Front, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { opts } = front;
  if (!front.sso) return sendJson(res, 404, { error: 'SSO sign-in is not configured (KOE_OIDC_ISSUER, KOE_OIDC_CLIENT_ID)' });
  if (req.method !== 'GET') return sendJson(res, 405, { error: 'GET only' });
  const address = requestMeta(req).clientAddress;
  const wait = await front.limiter.retryAfter(address);
  if (wait !== null) return tooManySignIns(res, wait);
  const now = Math.floor(Date.now() / 1000);
  const cookies = [clearedFlowCookie(opts.secure)];
  let claimed: string | null = null;
  try {
    claimed = await front.sso.finish(cookieValue(req.headers.cookie, SSO_FLOW_COOKIE), new URL(req.url ?? '/', 'http://x').searchParams, now);
    // The ID token's subject is the principal id, as a bearer token's is; the principal is then
    // read like any other, so a disabled or unknown one is refused here too.
    const principal = await authenticate(`Bearer ${await issueConsoleToken(opts.jwtSecret, claimed, 30, Date.now())}`, opts.orm.em.fork(), opts.auth);
    await audit(opts, req, { actorId: principal.id, roles: principal.roles, action: 'console.signIn', outcome: 'ok', via: 'sso' });
    cookies.push(sessionCookie(sealSession(opts.jwtSecret, freshSession(principal.id, Date.now())), opts.secure));
    res.setHeader('set-cookie', cookies);
    redirect(res, '/console/');
  } catch (e) {
    const reason = e instanceof SsoRefusal ? e.reason : e instanceof UnauthenticatedError ? 'principal' : null;
    if (reason === null) throw e;
    await audit(opts, req, { actorId: null, roles: [], action: 'console.signIn', outcome: 'unauthenticated', claimed, via: 'sso', reason: (e as Error).message });
    await front.limiter.failed(address);
    res.setHeader('set-cookie', cookies);
    redirect(res, `/console/?sso=${reason}`);
  }
}

async function audit(
  opts: ConsoleOptions,
  req: IncomingMessage,
  e: { actorId: string | null; roles: readonly string[]; action: string; outcome: string; claimed?: string | null; via?: 'sso'; reason?: string },
): Promise<void> {
  const meta = requestMeta(req);
  const event: NewAuditEvent = {
    at: new Date(), actorId: e.actorId, roles: e.roles, action: e.action, outcome: e.outcome, operationName: null, operationHash: null,
    purpose: null, subgraph: 'gateway', resources: e.actorId ? [`Principal:${e.actorId}`] : [], fields: [], policyVersion: opts.policyVersion,
    requestId: meta.requestId, clientAddress: meta.clientAddress, detail: { via: 'console', ...(e.via ? { signIn: e.via } : {}), ...(e.reason ? { reason: e.reason } : {}), ...(e.claimed ? { claimedActorId: e.claimed } : {}) },
  };
  await appendAuditEvents(opts.orm.em.fork(), [event]);
}

function readBody(req: IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= max) chunks.push(c);
    });
    req.on('end', () => resolve(size > max ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
