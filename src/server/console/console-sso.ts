/**
 * "Sign in with SSO" for the console: the OpenID Connect authorization code flow with PKCE (S256),
 * state and nonce, against `KOE_OIDC_ISSUER`. The browser only carries the code; the gateway
 * exchanges it at the provider's token endpoint and verifies the ID token itself (jose: signature
 * by a key of the provider's JWKS, issuer, audience = our client id, expiry, nonce). The ID token's
 * `sub` names the principal, as a bearer token's does (src/auth/jwt.ts); the principal is then read
 * like any other (status, expiry), so SSO adds no way in for a disabled or unknown principal.
 *
 * What the flow needs between the redirect out and the callback (state, nonce, PKCE verifier) is
 * kept in a short-lived cookie sealed with a key derived for this use alone, not on the server:
 * any gateway instance can finish a flow another one began.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { SsoSettings } from '../../config/index.js';
import { derivedKey } from '../../crypto/derive.js';

export const SSO_FLOW_COOKIE = 'koe_console_sso';
/** A sign-in at the provider must finish within this (the provider's own login page included). */
export const SSO_FLOW_SECONDS = 10 * 60;
export const SSO_CALLBACK_PATH = '/console/auth/callback';
export const SSO_START_PATH = '/console/auth/sso';
/** Signature algorithms accepted on ID tokens: asymmetric only, never HS256 with the client secret. */
const ID_TOKEN_ALGORITHMS = ['RS256', 'ES256', 'PS256', 'EdDSA'];
const FETCH_TIMEOUT_MS = 5000;

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

/** What the callback must see again: sealed into the flow cookie. */
export interface SsoFlow {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
  /** Expires at, seconds. */
  exp: number;
}

/** Why a sign-in was refused: a code for the audit detail and the sign-in screen, never the provider's text. */
export class SsoRefusal extends Error {
  constructor(
    readonly reason: 'state' | 'provider' | 'exchange' | 'id_token' | 'principal' | 'unavailable',
    detail: string,
  ) {
    super(detail);
  }
}

const b64url = (b: Buffer) => b.toString('base64url');

export class SsoClient {
  private discovered: Promise<Discovery> | null = null;
  private keys: JWTVerifyGetKey | null = null;
  private readonly flowKey: Buffer;

  constructor(
    readonly settings: SsoSettings,
    jwtSecret: Uint8Array,
  ) {
    this.flowKey = derivedKey(jwtSecret, 'consoleSso');
  }

  /** The provider's metadata, fetched once (again after a failure). */
  private discovery(): Promise<Discovery> {
    this.discovered ??= (async () => {
      const url = `${this.settings.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
      const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      if (!res.ok) throw new SsoRefusal('unavailable', `discovery at ${url} answered HTTP ${res.status}`);
      const d = (await res.json()) as Partial<Discovery>;
      // The metadata must name the issuer we were configured with (OIDC Discovery §4.3).
      if (d.issuer !== this.settings.issuer) throw new SsoRefusal('unavailable', `discovery names issuer ${String(d.issuer)}, not ${this.settings.issuer}`);
      if (!d.authorization_endpoint || !d.token_endpoint || !d.jwks_uri) throw new SsoRefusal('unavailable', 'discovery lacks an endpoint');
      this.keys = createRemoteJWKSet(new URL(d.jwks_uri), { timeoutDuration: FETCH_TIMEOUT_MS });
      return d as Discovery;
    })();
    this.discovered.catch(() => (this.discovered = null));
    return this.discovered;
  }

  /** Where to send the browser, and the sealed flow to keep in its cookie. */
  async begin(redirectUri: string, nowSeconds: number): Promise<{ location: string; sealed: string }> {
    const d = await this.discovery();
    const flow: SsoFlow = {
      state: b64url(randomBytes(24)),
      nonce: b64url(randomBytes(24)),
      verifier: b64url(randomBytes(48)),
      redirectUri,
      exp: nowSeconds + SSO_FLOW_SECONDS,
    };
    const url = new URL(d.authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.settings.clientId,
      redirect_uri: redirectUri,
      scope: 'openid',
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: b64url(createHash('sha256').update(flow.verifier).digest()),
      code_challenge_method: 'S256',
    }).toString();
    return { location: url.toString(), sealed: this.seal(flow) };
  }

  /** The principal id the provider vouches for, or an SsoRefusal. */
  async finish(sealed: string | null, query: URLSearchParams, nowSeconds: number): Promise<string> {
    const flow = sealed ? this.open(sealed, nowSeconds) : null;
    const state = query.get('state');
    if (!flow || !state || !safeEqual(state, flow.state)) throw new SsoRefusal('state', 'the state does not match a sign-in begun in this browser');
    const providerError = query.get('error');
    if (providerError) throw new SsoRefusal('provider', `the provider answered ${providerError}`);
    const code = query.get('code');
    if (!code) throw new SsoRefusal('provider', 'no code in the callback');
    const d = await this.discovery();
    const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: flow.redirectUri, code_verifier: flow.verifier });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (this.settings.clientSecret !== null) {
      // RFC 6749 §2.3.1: both parts form-encoded before base64.
      const user = encodeURIComponent(this.settings.clientId);
      headers.authorization = `Basic ${Buffer.from(`${user}:${encodeURIComponent(this.settings.clientSecret)}`).toString('base64')}`;
    } else {
      body.set('client_id', this.settings.clientId);
    }
    const res = await fetch(d.token_endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    const tokens = (await res.json().catch(() => ({}))) as { id_token?: unknown; error?: unknown };
    if (!res.ok || typeof tokens.id_token !== 'string') throw new SsoRefusal('exchange', `the token endpoint answered HTTP ${res.status} ${typeof tokens.error === 'string' ? tokens.error : ''}`.trim());
    return verifyIdToken(tokens.id_token, this.keys!, { issuer: d.issuer, clientId: this.settings.clientId, nonce: flow.nonce });
  }

  seal(flow: SsoFlow): string {
    const payload = Buffer.from(JSON.stringify(flow)).toString('base64url');
    return `${payload}.${createHmac('sha256', this.flowKey).update(payload).digest('base64url')}`;
  }

  private open(value: string, nowSeconds: number): SsoFlow | null {
    const [payload, mac, extra] = value.split('.');
    if (!payload || !mac || extra !== undefined) return null;
    if (!safeEqual(mac, createHmac('sha256', this.flowKey).update(payload).digest('base64url'))) return null;
    try {
      const flow = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SsoFlow;
      return typeof flow.exp === 'number' && flow.exp > nowSeconds ? flow : null;
    } catch {
      return null;
    }
  }
}

/** The subject of a genuine ID token issued to us for this sign-in; an SsoRefusal otherwise. */
export async function verifyIdToken(idToken: string, keys: JWTVerifyGetKey, want: { issuer: string; clientId: string; nonce: string }): Promise<string> {
  try {
    const { payload } = await jwtVerify(idToken, keys, { issuer: want.issuer, audience: want.clientId, algorithms: ID_TOKEN_ALGORITHMS, requiredClaims: ['exp', 'iat', 'sub'] });
    // With several audiences, the authorized party must be us (OIDC Core §3.1.3.7).
    if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== want.clientId) throw new SsoRefusal('id_token', 'azp is not this client');
    if (typeof payload.nonce !== 'string' || !safeEqual(payload.nonce, want.nonce)) throw new SsoRefusal('id_token', 'the nonce does not match this sign-in');
    return payload.sub!;
  } catch (e) {
    if (e instanceof SsoRefusal) throw e;
    if (e instanceof errors.JWTClaimValidationFailed) throw new SsoRefusal('id_token', `ID token ${e.claim} claim rejected`);
    if (e instanceof errors.JOSEError) throw new SsoRefusal('id_token', `ID token refused (${e.code})`);
    throw e;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function flowCookie(value: string, secure: boolean): string {
  // Lax, not Strict: the provider's redirect back is a cross-site top-level navigation.
  return `${SSO_FLOW_COOKIE}=${value}; Path=/console/auth; HttpOnly; SameSite=Lax; Max-Age=${SSO_FLOW_SECONDS}${secure ? '; Secure' : ''}`;
}

export function clearedFlowCookie(secure: boolean): string {
  return `${SSO_FLOW_COOKIE}=; Path=/console/auth; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`;
}
