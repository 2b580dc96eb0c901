/**
 * What the gateway proves to a subgraph, each as an HMAC of the request id under the platform's
 * secret with its own label, so one proof never stands for another:
 * - `x-koe-counted`: the gateway counted this request for the rate limit; the subgraph does not
 *   count it again. Without a valid proof (a direct call, a forged header) the subgraph counts it
 *   itself, so skipping the gateway gains nothing.
 * - `x-koe-gateway`: the call comes from Koe's gateway (it may read `_service`, the subgraph's
 *   full SDL that introspection hides from other callers).
 * Clients never see either header: the gateway adds them on its way to the subgraphs.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const COUNTED_HEADER = 'x-koe-counted';
export const GATEWAY_HEADER = 'x-koe-gateway';

type ProofLabel = 'rate-limit' | 'gateway';

function proof(secret: Uint8Array, label: ProofLabel, requestId: string): string {
  return createHmac('sha256', secret).update(`${label}:${requestId}`).digest('base64url');
}

function isProof(secret: Uint8Array, label: ProofLabel, requestId: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const want = Buffer.from(proof(secret, label, requestId));
  const got = Buffer.from(presented);
  return got.length === want.length && timingSafeEqual(got, want);
}

export function countedProof(secret: Uint8Array, requestId: string): string {
  return proof(secret, 'rate-limit', requestId);
}

export function isCountedProof(secret: Uint8Array, requestId: string, presented: string | undefined): boolean {
  return isProof(secret, 'rate-limit', requestId, presented);
}

export function gatewayProof(secret: Uint8Array, requestId: string): string {
  return proof(secret, 'gateway', requestId);
}

export function isGatewayProof(secret: Uint8Array, requestId: string, presented: string | undefined): boolean {
  return isProof(secret, 'gateway', requestId, presented);
}
