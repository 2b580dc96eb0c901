/**
 * The gateway counts a request once and tells the subgraphs so with an HMAC of the request id under
 * the platform's secret; a subgraph then does not count it again. Without a valid proof (a direct
 * call, a forged header) the subgraph counts the request itself, so skipping the gateway gains nothing.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const COUNTED_HEADER = 'x-koe-counted';

export function countedProof(secret: Uint8Array, requestId: string): string {
  return createHmac('sha256', secret).update(`rate-limit:${requestId}`).digest('base64url');
}

export function isCountedProof(secret: Uint8Array, requestId: string, proof: string | undefined): boolean {
  if (!proof) return false;
  const want = Buffer.from(countedProof(secret, requestId));
  const got = Buffer.from(proof);
  return got.length === want.length && timingSafeEqual(got, want);
}
