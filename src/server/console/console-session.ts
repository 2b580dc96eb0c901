/**
 * The console's session cookie: `<payload>.<mac>`, HMAC-SHA256 under a key derived from the JWT
 * secret for this one use. It names the principal and when it was last used, nothing else: roles
 * and status are read per request by `authenticate()` (through a short token minted per request),
 * so a disabled principal's session fails on its next request. Idle sessions expire; every use
 * slides the idle window by re-issuing the cookie. Sign-out is recorded on the principal
 * (`console_signed_out_at`), so a copy of the cookie dies with it on every gateway instance: the
 * session's sign-in instant `at` (ms) travels in each minted token and is held against that record.
 * Sign-out therefore ends every console session of the principal, in every browser.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { derivedKey } from '../../crypto/derive.js';

export const SESSION_COOKIE = 'koe_console';
/** The idle timeout: a session unused this long is refused. */
export const SESSION_IDLE_SECONDS = 30 * 60;
/** However active, a session ends this long after sign-in (a fresh sign-in then). */
export const SESSION_MAX_SECONDS = 12 * 3600;

export interface SessionClaims {
  /** The principal id. */
  sub: string;
  /** Signed in at, seconds. */
  iat: number;
  /** Last used at, seconds. */
  seen: number;
  /** Signed in at, milliseconds (a sign-out and a new sign-in can fall in one second); absent: `iat`. */
  at?: number;
}

/** The instant a sign-out must postdate to end this session. */
export const signedInAt = (c: SessionClaims): number => c.at ?? c.iat * 1000;

/** A new session's claims at `nowMs`. */
export function freshSession(sub: string, nowMs: number): SessionClaims {
  const s = Math.floor(nowMs / 1000);
  return { sub, iat: s, seen: s, at: nowMs };
}

const keyOf = (jwtSecret: Uint8Array) => derivedKey(jwtSecret, 'consoleSession');

export function sealSession(jwtSecret: Uint8Array, claims: SessionClaims): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const mac = createHmac('sha256', keyOf(jwtSecret)).update(payload).digest('base64url');
  return `${payload}.${mac}`;
}

/** The claims of a genuine, unexpired session cookie value; null otherwise. */
export function openSession(jwtSecret: Uint8Array, value: string, nowSeconds: number): SessionClaims | null {
  const [payload, mac, extra] = value.split('.');
  if (!payload || !mac || extra !== undefined) return null;
  const want = createHmac('sha256', keyOf(jwtSecret)).update(payload).digest();
  const got = Buffer.from(mac, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const c = claims as Partial<SessionClaims>;
  if (typeof c.sub !== 'string' || typeof c.iat !== 'number' || typeof c.seen !== 'number') return null;
  if (nowSeconds - c.seen > SESSION_IDLE_SECONDS || nowSeconds - c.iat > SESSION_MAX_SECONDS) return null;
  if (c.at !== undefined && typeof c.at !== 'number') return null;
  return { sub: c.sub, iat: c.iat, seen: c.seen, ...(c.at !== undefined ? { at: c.at } : {}) };
}

/** Ends every console session of `principalId` begun up to `nowMs`, for every gateway instance. */
export async function signOut(em: EntityManager, principalId: string, nowMs: number): Promise<void> {
  await em.getConnection().execute(
    `update "principal" set "console_signed_out_at" = greatest(coalesce("console_signed_out_at", '-infinity'), to_timestamp(?::float8 / 1000)) where "id" = ?`,
    [nowMs, principalId],
    'run',
  );
}

export function sessionCookie(value: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_IDLE_SECONDS}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}

export function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}
