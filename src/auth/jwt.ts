import { errors, jwtVerify, SignJWT } from 'jose';

const ALGORITHMS = ['HS256'];

/** Verifies a bearer token and returns its subject; every failure is a reason fit for a 401. */
export async function verifyBearer(token: string, secret: Uint8Array): Promise<{ sub: string } | { error: string }> {
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ALGORITHMS });
    if (typeof payload.sub !== 'string' || payload.sub.length === 0) return { error: 'token has no subject' };
    return { sub: payload.sub };
  } catch (e) {
    if (e instanceof errors.JWTExpired) return { error: 'token expired' };
    if (e instanceof errors.JOSEError) return { error: 'invalid token' };
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
