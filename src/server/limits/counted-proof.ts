/**
 * What the gateway proves to a subgraph, each an HMAC under a key derived from the platform's JWT
 * secret for this use alone (`proofKey`: a leaked proof key mints no token and no cursor, and the
 * JWT secret never doubles as a MAC key), with its own label, so one proof never stands for another. Clients never see either header: the gateway adds
 * them on its way to the subgraphs.
 * - `x-koe-counted`: the gateway counted this request for the rate limit; the subgraph does not
 *   count it again. The proof covers the request id, the time it was made and a nonce fresh for
 *   each subgraph fetch, and a subgraph process honours it once and for MAX_AGE_MS. Without a valid
 *   proof (a direct call; a forged, cut, borrowed or replayed header) the subgraph counts the
 *   request itself, so skipping the gateway gains nothing.
 * - `x-koe-gateway`: the call comes from Koe's gateway (it may read `_service`, the subgraph's
 *   full SDL that introspection hides from other callers).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { derivedKey } from '../../crypto/index.js';

export const COUNTED_HEADER = 'x-koe-counted';
export const GATEWAY_HEADER = 'x-koe-gateway';

type ProofLabel = 'rate-limit' | 'gateway';

/** The key both proofs are made and checked with, derived once per server from the JWT secret. */
export function proofKey(jwtSecret: Uint8Array): Buffer {
  return derivedKey(jwtSecret, 'gatewayProof');
}

function proof(key: Uint8Array, label: ProofLabel, message: string): string {
  return createHmac('sha256', key).update(`${label}:${message}`).digest('base64url');
}

function sameProof(presented: string, want: string): boolean {
  const [got, expected] = [Buffer.from(presented), Buffer.from(want)];
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** Far longer than a gateway takes from making a proof to the subgraph reading it. */
const MAX_AGE_MS = 30_000;
/** Clocks of the gateway and subgraph hosts may differ this much. */
const SKEW_MS = 5_000;
/** Nonces remembered at most; past it a proof is not honoured (the request is counted, the safe side). */
const MAX_REMEMBERED = 200_000;

const COUNTED_FORMAT = /^([0-9a-z]{1,10})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;

/** A fresh proof for one fetch of request `requestId` (`<issued, base 36 seconds>.<nonce>.<mac>`). */
export function countedProof(key: Uint8Array, requestId: string, now = Date.now()): string {
  const issued = Math.floor(now / 1000).toString(36);
  const nonce = randomBytes(12).toString('base64url');
  return `${issued}.${nonce}.${proof(key, 'rate-limit', `${requestId}:${issued}:${nonce}`)}`;
}

/** The counted proofs one subgraph process has honoured, so that none is honoured twice. */
export class CountedProofs {
  /** nonce → when it may be forgotten (its proof has expired by then); insertion order ≈ expiry order. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly key: Uint8Array) {}

  /** True when `presented` is a valid, fresh, unused proof for `requestId`; uses it up. */
  accept(requestId: string, presented: string | undefined, now = Date.now()): boolean {
    const m = presented ? COUNTED_FORMAT.exec(presented) : null;
    if (!m) return false;
    const [, issued, nonce, mac] = m as unknown as [string, string, string, string];
    const at = parseInt(issued, 36) * 1000;
    if (now - at > MAX_AGE_MS || at - now > SKEW_MS) return false;
    if (!sameProof(mac, proof(this.key, 'rate-limit', `${requestId}:${issued}:${nonce}`))) return false;
    this.forgetExpired(now);
    if (this.seen.has(nonce) || this.seen.size >= MAX_REMEMBERED) return false;
    this.seen.set(nonce, at + MAX_AGE_MS + SKEW_MS);
    return true;
  }

  private forgetExpired(now: number): void {
    for (const [nonce, until] of this.seen) {
      if (until > now) break;
      this.seen.delete(nonce);
    }
  }
}

export function gatewayProof(key: Uint8Array, requestId: string): string {
  return proof(key, 'gateway', requestId);
}

export function isGatewayProof(key: Uint8Array, requestId: string, presented: string | undefined): boolean {
  return presented !== undefined && presented !== '' && sameProof(presented, gatewayProof(key, requestId));
}
