/**
 * Masked strings remembered per masker: the same value is masked again on every request that reads
 * it, and the maskers (the PII detector above all) cost more than a map probe. An opened encrypted
 * value comes from the value cache as the same string object each time, so its hash is computed
 * once. Kept as boundedly and briefly as the opened values they derive from (FieldCrypto's cache).
 */
import { KeyCache } from '../../crypto/index.js';
import { MASKERS, type MaskContext, type Masker, type MaskerName } from '../../policies/maskers/index.js';

const CAPACITY = 10_000;
const TTL_MS = 60_000;
/** Longer values are masked every time rather than kept (a memo must not hold large bodies). */
const MAX_LENGTH = 4096;

/** One masker under one mask context, remembering what it returned. */
export type MemoisedMask = (value: unknown) => unknown;

/** Per mask context (a server's pseudonym key), per masker. */
const memos = new WeakMap<MaskContext, Map<MaskerName, MemoisedMask>>();

function lookup(memo: KeyCache<unknown>, mask: Masker, value: unknown, ctx: MaskContext): unknown {
  if (typeof value !== 'string' || value.length > MAX_LENGTH) return mask(value, ctx);
  const hit = memo.get(value);
  if (hit !== undefined) return hit;
  const masked = mask(value, ctx);
  memo.set(value, masked);
  return masked;
}

/** The memoised masker `name` under `ctx`: one function per pair, built on first use. */
export function memoisedMask(name: MaskerName, ctx: MaskContext): MemoisedMask {
  let byMasker = memos.get(ctx);
  if (!byMasker) memos.set(ctx, (byMasker = new Map()));
  let mask = byMasker.get(name);
  if (!mask) {
    const memo = new KeyCache<unknown>(CAPACITY, TTL_MS);
    const masker = MASKERS[name];
    byMasker.set(name, (mask = (value) => lookup(memo, masker, value, ctx)));
  }
  return mask;
}
