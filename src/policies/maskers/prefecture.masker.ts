/**
 * An address reduced to its prefecture: `〒160-0023 東京都新宿区西新宿2-8-1` -> `東京都`. Regional
 * analysis keeps working; the street, which identifies a household, does not leave. No
 * prefecture found -> `***` rather than a guess.
 */
import { PREFECTURES } from './prefectures.js';

const HIDDEN = '***';
// The leftmost match wins, so 東京都府中市 yields 東京都, not the 京都府 hiding inside it.
const PREFECTURE = new RegExp(PREFECTURES.join('|'), 'u');

export function maskPrefecture(value: unknown): string | null {
  if (value == null) return null;
  if (typeof value !== 'string') return HIDDEN;
  return PREFECTURE.exec(value.normalize('NFKC'))?.[0] ?? HIDDEN;
}
