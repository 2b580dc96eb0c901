/**
 * Bearer tokens: HS256 with the shared development secret, or, when an OIDC provider is configured,
 * RS256/ES256 against its JWKS with issuer, audience and expiry required. The algorithm list is
 * fixed per mode, so `alg: none` and algorithm confusion (HS256 signed with a public key) fail.
 */
import { errors, jwtVerify, SignJWT } from 'jose';
import { OIDC_ALGORITHMS, remoteKeys, type OidcConfig } from './oidc.js';

export interface BearerKeys {
  readonly secret: Uint8Array;
  readonly oidc: OidcConfig | null;
}

/** Verifies a bearer token and returns its subject; every failure is a reason fit for a 401. */
export async function verifyBearer(token: string, keys: BearerKeys | Uint8Array): Promise<{ sub: string } | { error: string }> {
  const { secret, oidc } = keys instanceof Uint8Array ? { secret: keys, oidc: null } : keys;
  try {
    const { payload } = oidc
      ? await jwtVerify(token, remoteKeys(oidc), {
          algorithms: OIDC_ALGORITHMS,
          issuer: oidc.issuer,
          audience: oidc.audience,
          requiredClaims: ['exp'],
          clockTolerance: 5,
        })
      : await jwtVerify(token, secret, { algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || payload.sub.length === 0) return { error: 'token has no subject' };
    return { sub: payload.sub };
  } catch (e) {
    if (e instanceof errors.JWTExpired) return { error: 'token expired' };
    if (e instanceof errors.JWTClaimValidationFailed) return { error: `token ${e.claim} claim rejected` };
    if (e instanceof errors.JWKSNoMatchingKey) return { error: 'token signed by an unknown key' };
    if (e instanceof errors.JOSEError) return { error: 'invalid token' };
    if (e instanceof TypeError) return { error: 'invalid token' };
    throw e;
  }
}

export async function issueToken(secret: Uint8Array, sub: string, ttlSeconds = 12 * 3600): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(secret);
}
