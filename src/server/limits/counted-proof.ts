/**
 * The gateway counts a request once and tells the subgraphs so with a proof: an HMAC, under the
 * platform's secret, of the request id, the time it was made and a nonce fresh for each subgraph
 * fetch. A subgraph then does not count the request again. Without a valid proof (a direct call, a
 * forged or cut header, a proof made for another request) the subgraph counts the request itself,
 * so skipping the gateway gains nothing. A proof is accepted once per subgraph process and only
 * for MAX_AGE_MS: a captured one replayed with its request id counts like any direct call.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const COUNTED_HEADER = 'x-koe-counted';

/** Far longer than a gateway takes from making a proof to the subgraph reading it. */
const MAX_AGE_MS = 30_000;
/** Clocks of the gateway and subgraph hosts may differ this much. */
const SKEW_MS = 5_000;
/** Nonces remembered at most; past it a proof is not honoured (the request is counted, the safe side). */
const MAX_REMEMBERED = 200_000;

const FORMAT = /^([0-9a-z]{1,10})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;

function mac(secret: Uint8Array, requestId: string, issued: string, nonce: string): string {
  return createHmac('sha256', secret).update(`rate-limit:${requestId}:${issued}:${nonce}`).digest('base64url');
}

/** A fresh proof for one fetch of request `requestId` (`<issued, base 36 seconds>.<nonce>.<mac>`). */
export function countedProof(secret: Uint8Array, requestId: string, now = Date.now()): string {
  const issued = Math.floor(now / 1000).toString(36);
  const nonce = randomBytes(12).toString('base64url');
  return `${issued}.${nonce}.${mac(secret, requestId, issued, nonce)}`;
}

/** The proofs one subgraph process has honoured, so that none is honoured twice. */
export class CountedProofs {
  /** nonce → when it may be forgotten (its proof has expired by then); insertion order ≈ expiry order. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly secret: Uint8Array) {}

  /** True when `proof` is a valid, fresh, unused proof for `requestId`; uses it up. */
  accept(requestId: string, proof: string | undefined, now = Date.now()): boolean {
    const m = proof ? FORMAT.exec(proof) : null;
    if (!m) return false;
    const [, issued, nonce, got] = m as unknown as [string, string, string, string];
    const at = parseInt(issued, 36) * 1000;
    if (now - at > MAX_AGE_MS || at - now > SKEW_MS) return false;
    if (!timingSafeEqual(Buffer.from(got), Buffer.from(mac(this.secret, requestId, issued, nonce)))) return false;
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
