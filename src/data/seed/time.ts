/** Time arithmetic for the generator, in epoch milliseconds; calendar dates are read in JST. */
import type { Random } from './random.js';

export const DAY = 86_400_000;
const JST_OFFSET = 9 * 3_600_000;

/** Uniform instant in [from, to], whole seconds, so serialised timestamps stay short. */
export function instantBetween(rng: Random, from: number, to: number): number {
  const lo = Math.ceil(from);
  const hi = Math.max(lo, Math.floor(to));
  const t = Math.floor((lo + rng.next() * (hi - lo)) / 1000) * 1000;
  return Math.min(hi, Math.max(lo, t));
}

/** `10月3日`, as a customer refers to a date in the current year. */
export function monthDayJst(ms: number): string {
  const d = new Date(ms + JST_OFFSET);
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

/** `YYYY-MM-DD` for a UTC midnight. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
