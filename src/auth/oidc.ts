/**
 * OIDC provider settings. With `KOE_JWKS_URL` set, bearer tokens must be RS256/ES256 tokens signed
 * by a key of that JWKS, for our issuer and audience; the development HS256 secret is then refused,
 * so a leaked development secret cannot mint production tokens.
 */
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';

export interface OidcConfig {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  /** Minimum time between JWKS fetches for an unknown `kid` (jose's cooldown); default 30 s. */
  readonly cooldownMs?: number;
}

export const OIDC_ALGORITHMS = ['RS256', 'ES256'];

/** `null` when `KOE_JWKS_URL` is unset (development: HS256 with the shared secret). */
export function oidcFromEnv(env: NodeJS.ProcessEnv = process.env): OidcConfig | null {
  const jwksUrl = env.KOE_JWKS_URL;
  if (!jwksUrl) return null;
  const issuer = env.KOE_JWT_ISSUER;
  const audience = env.KOE_JWT_AUDIENCE;
  // Without both, any token the provider issues for any application would be accepted.
  if (!issuer || !audience) throw new Error('KOE_JWKS_URL needs KOE_JWT_ISSUER and KOE_JWT_AUDIENCE as well');
  const cooldown = env.KOE_JWKS_COOLDOWN_SECONDS;
  return { jwksUrl, issuer, audience, ...(cooldown ? { cooldownMs: Number(cooldown) * 1000 } : {}) };
}

/** One key set per URL and cooldown, so keys are fetched once per process and shared by all servers. */
const keySets = new Map<string, JWTVerifyGetKey>();

export function remoteKeys(config: OidcConfig): JWTVerifyGetKey {
  const cooldownDuration = config.cooldownMs ?? 30_000;
  const id = `${config.jwksUrl} ${cooldownDuration}`;
  let keys = keySets.get(id);
  if (!keys) keySets.set(id, (keys = createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration, timeoutDuration: 5000 })));
  return keys;
}
