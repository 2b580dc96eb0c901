/**
 * Bearer tokens: HS256 with the shared development secret, or, when an OIDC provider is configured,
 * RS256/ES256 against its JWKS with issuer and audience required. Either way a token must carry
 * `exp` and live no longer than the maximum lifetime (`KOE_MAX_TOKEN_TTL`), so a stolen token cannot
 * be a key for years. The algorithm list is fixed per mode, so `alg: none` and algorithm confusion
 * (HS256 signed with a public key) fail.
 *
 * One more kind in either mode: the console's own tokens (`typ: koe-console+jwt`), minted per
 * request from a session cookie and signed with a key derived for that use alone. They are not the
 * development secret's tokens, so they work when OIDC is on, and they live a minute at most. Each
 * carries its session's sign-in instant (`sat`, ms), which authenticate.ts holds against the
 * principal's console sign-out; one without it is refused.
 */
import { createHash } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { derivedKey } from '../crypto/derive.js';
import { OIDC_ALGORITHMS, remoteKeys, type OidcConfig } from './oidc.js';
import type { VerifiedTokenCache } from './verified-token-cache.js';

export interface BearerKeys {
  readonly secret: Uint8Array;
  readonly oidc: OidcConfig | null;
  /** The longest lifetime accepted, in seconds (default 24 h). */
  readonly maxTtlSeconds?: number;
}

export const DEFAULT_TOKEN_TTL_SECONDS = 12 * 3600;
const DEFAULT_MAX_TTL_SECONDS = 24 * 3600;
const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Why a token was refused. `claimedSub` is set only when the signature checked out (the token is
 * ours, refused for its claims): the subject is then a genuine, if unverified, claim worth auditing.
 */
export type BearerRefusal = { error: string; claimedSub?: string };

/** A genuine token's subject; `sessionAt` (ms) only on a console token: when its session signed in. */
export type VerifiedBearer = { sub: string; sessionAt?: number };

/**
 * Verifies a bearer token and returns its subject; every failure is a reason fit for a 401. With a
 * `cache`, a token verified before under the same keys is not verified again (verified-token-cache.ts);
 * console tokens, minted per request, never go in it.
 */
export async function verifyBearer(token: string, keys: BearerKeys | Uint8Array, now = Date.now(), cache: VerifiedTokenCache | null = null): Promise<VerifiedBearer | BearerRefusal> {
  const { secret, oidc, maxTtlSeconds = DEFAULT_MAX_TTL_SECONDS } = keys instanceof Uint8Array ? { secret: keys, oidc: null } : keys;
  const settings = cache ? settingsOf(secret, oidc, maxTtlSeconds) : '';
  const known = cache?.get(settings, token, now);
  if (known) return { sub: known };
  const common = { requiredClaims: ['exp'], clockTolerance: CLOCK_TOLERANCE_SECONDS, currentDate: new Date(now) };
  let payload: JWTPayload;
  try {
    ({ payload } = isConsoleToken(token)
      ? await jwtVerify(token, derivedKey(secret, 'consoleBearer'), { ...common, algorithms: ['HS256'], issuer: CONSOLE_ISSUER, typ: CONSOLE_TYP })
      : oidc
      ? await jwtVerify(token, remoteKeys(oidc), { ...common, algorithms: OIDC_ALGORITHMS, issuer: oidc.issuer, audience: oidc.audience })
      : await jwtVerify(token, secret, { ...common, algorithms: ['HS256'] }));
  } catch (e) {
    // jose checks the signature before the claims: a claim error means the token is genuinely ours.
    if (e instanceof errors.JWTExpired) return withClaim('token expired', e.payload);
    if (e instanceof errors.JWTClaimValidationFailed) return e.claim === 'exp' ? withClaim('token exp claim rejected', e.payload) : { error: `token ${e.claim} claim rejected` };
    if (e instanceof errors.JWKSNoMatchingKey) return { error: 'token signed by an unknown key' };
    if (e instanceof errors.JOSEError) return { error: 'invalid token' };
    if (e instanceof TypeError) return { error: 'invalid token' };
    throw e;
  }
  const consoleToken = isConsoleToken(token);
  const lifetime = lifetimeError(payload, consoleToken ? CONSOLE_TOKEN_MAX_SECONDS : maxTtlSeconds, Math.floor(now / 1000));
  if (lifetime) return withClaim(lifetime, payload);
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) return { error: 'token has no subject' };
  if (!consoleToken) {
    cache?.set(settings, token, payload.sub, payload.exp!, now);
    return { sub: payload.sub };
  }
  // Without its session's sign-in instant a console token could outlive a sign-out: refused.
  if (typeof payload.sat !== 'number' || !Number.isFinite(payload.sat)) return { error: 'console token has no session' };
  return { sub: payload.sub, sessionAt: payload.sat };
}

/** What a verification depended on, so a cache entry made under other keys never answers; hashed once per secret and provider. */
const settingsMemo = new WeakMap<Uint8Array, Map<string, string>>();
function settingsOf(secret: Uint8Array, oidc: OidcConfig | null, maxTtlSeconds: number): string {
  const rest = `\0${oidc ? `${oidc.jwksUrl} ${oidc.issuer} ${oidc.audience}` : ''}\0${maxTtlSeconds}`;
  let bySecret = settingsMemo.get(secret);
  if (!bySecret) settingsMemo.set(secret, (bySecret = new Map()));
  let settings = bySecret.get(rest);
  if (settings === undefined) bySecret.set(rest, (settings = createHash('sha256').update(secret).update(rest).digest('base64url')));
  return settings;
}

/** `exp` at most the maximum lifetime after `iat` and after now (a future `iat` buys nothing). */
function lifetimeError(payload: JWTPayload, maxTtl: number, nowSeconds: number): string | null {
  const exp = payload.exp!;
  const fromIssue = typeof payload.iat === 'number' ? exp - payload.iat : 0;
  if (fromIssue > maxTtl || exp - nowSeconds > maxTtl + CLOCK_TOLERANCE_SECONDS) return `token lifetime is over the ${maxTtl} s maximum`;
  return null;
}

function withClaim(error: string, payload: JWTPayload): BearerRefusal {
  return typeof payload.sub === 'string' && payload.sub.length > 0 ? { error, claimedSub: payload.sub } : { error };
}

const CONSOLE_TYP = 'koe-console+jwt';
const CONSOLE_ISSUER = 'koe-console';
/** The console's tokens live this long at most (they are minted per request). */
export const CONSOLE_TOKEN_MAX_SECONDS = 120;

function isConsoleToken(token: string): boolean {
  try {
    return decodeProtectedHeader(token).typ === CONSOLE_TYP;
  } catch {
    return false;
  }
}

/**
 * A console session's token for one `/graphql` request: accepted whether or not OIDC is configured.
 * `sessionAt`: when the session signed in (ms), so a sign-out since then refuses it.
 */
export async function issueConsoleToken(secret: Uint8Array, sub: string, ttlSeconds: number, sessionAt: number): Promise<string> {
  return new SignJWT({ sat: sessionAt })
    .setProtectedHeader({ alg: 'HS256', typ: CONSOLE_TYP })
    .setIssuer(CONSOLE_ISSUER)
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + Math.min(ttlSeconds, CONSOLE_TOKEN_MAX_SECONDS))
    .sign(derivedKey(secret, 'consoleBearer'));
}

export async function issueToken(secret: Uint8Array, sub: string, ttlSeconds = DEFAULT_TOKEN_TTL_SECONDS): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(secret);
}
