/**
 * The OIDC provider's keys. With `KOE_JWKS_URL` set (settings validated once at start-up by
 * src/config, a JWKS without issuer and audience refused there), bearer tokens must be RS256/ES256
 * tokens signed by a key of that JWKS, for our issuer and audience; the development HS256 secret is
 * then refused, so a leaked development secret cannot mint production tokens.
 */
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import type { OidcSettings } from '../config/index.js';

export type OidcConfig = OidcSettings;

export const OIDC_ALGORITHMS = ['RS256', 'ES256'];

/** One key set per URL and cooldown, so keys are fetched once per process and shared by all servers. */
const keySets = new Map<string, JWTVerifyGetKey>();

export function remoteKeys(config: OidcConfig): JWTVerifyGetKey {
  const cooldownDuration = config.cooldownMs ?? 30_000;
  const id = `${config.jwksUrl} ${cooldownDuration}`;
  let keys = keySets.get(id);
  if (!keys) keySets.set(id, (keys = createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration, timeoutDuration: 5000 })));
  return keys;
}
