/**
 * Masked strings remembered per masker: the same value is masked again on every request that reads
 * it, and the maskers (the PII detector above all) cost more than a map probe. An opened encrypted
 * value comes from the value cache as the same string object each time, so its hash is computed
 * once. Kept as boundedly and briefly as the opened values they derive from (FieldCrypto's cache).
 */
import { KeyCache } from '../../crypto/index.js';
import type { MaskContext, Masker, MaskerName } from '../../policies/maskers/index.js';

const CAPACITY = 10_000;
const TTL_MS = 60_000;
/** Longer values are masked every time rather than kept (a memo must not hold large bodies). */
const MAX_LENGTH = 4096;

/** Per mask context (a server's pseudonym key), per masker. */
const memos = new WeakMap<MaskContext, Map<MaskerName, KeyCache<unknown>>>();

export function maskMemoised(name: MaskerName, mask: Masker, value: unknown, ctx: MaskContext): unknown {
  if (typeof value !== 'string' || value.length > MAX_LENGTH) return mask(value, ctx);
  let byMasker = memos.get(ctx);
  if (!byMasker) memos.set(ctx, (byMasker = new Map()));
  let memo = byMasker.get(name);
  if (!memo) byMasker.set(name, (memo = new KeyCache<unknown>(CAPACITY, TTL_MS)));
  const hit = memo.get(value);
  if (hit !== undefined) return hit;
  const masked = mask(value, ctx);
  memo.set(value, masked);
  return masked;
}
