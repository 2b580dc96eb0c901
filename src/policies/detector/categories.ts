/**
 * Which kinds of personal data a free text holds, never where or what: the flags stored beside an
 * encrypted feedback body so analysts can filter on them without reading the body.
 */
import { detectPii, type PiiKind } from './detector.js';

// A record, not a list, so a kind added to the detector fails to compile until it is listed here.
const KINDS: Readonly<Record<PiiKind, true>> = {
  ADDRESS: true, BIRTH_DATE: true, CARD: true, EMAIL: true, MYNUMBER: true, NAME: true, PHONE: true, POSTAL: true,
};

/** Every kind `detectPii` reports, sorted; the only names a `piiFlags` filter accepts. */
export const PII_KINDS: readonly PiiKind[] = Object.freeze((Object.keys(KINDS) as PiiKind[]).sort());

export function isPiiKind(name: string): name is PiiKind {
  return Object.hasOwn(KINDS, name);
}

/** The kinds of personal data detected in `text`, sorted and unique; `[]` for anything not a string. */
export function piiCategoriesIn(text: unknown): PiiKind[] {
  if (typeof text !== 'string') return [];
  return [...new Set(detectPii(text).map((s) => s.kind))].sort();
}
