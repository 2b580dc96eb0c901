/**
 * The maskers behind a MASKED decision: pure functions from a raw value to what a caller may see.
 * Every masker maps null/undefined to null, never throws, and on input it does not understand
 * returns a redacted value, never the input itself.
 */
import type { PiiCategory } from '../catalog.js';
import { maskEmail } from './email.masker.js';
import { maskFreeText } from './freeText.masker.js';
import { maskHash } from './hash.masker.js';
import { maskName } from './name.masker.js';
import { maskPhone } from './phone.masker.js';
import { maskPrefecture } from './prefecture.masker.js';
import { maskPurchase } from './purchase.masker.js';
import { maskRedact } from './redact.masker.js';
import { maskYear } from './year.masker.js';

export interface MaskContext {
  /** key for the keyed-HMAC pseudonym masker */
  readonly pseudonymKey: string | Uint8Array;
}

export type Masker = (value: unknown, ctx: MaskContext) => unknown;

export type MaskerName = 'email' | 'phone' | 'name' | 'prefecture' | 'year' | 'hash' | 'redact' | 'freeText' | 'purchase';

export const MASKERS: Readonly<Record<MaskerName, Masker>> = Object.freeze({
  email: maskEmail,
  phone: maskPhone,
  name: maskName,
  prefecture: maskPrefecture,
  year: maskYear,
  hash: maskHash,
  redact: maskRedact,
  freeText: maskFreeText,
  purchase: maskPurchase,
});

/** Every masker name a policy may give as `masker:`. */
export const MASKER_NAMES = Object.keys(MASKERS) as readonly MaskerName[];

/** The masker a `@pii` category gets when a policy says MASKED without naming one. */
export const DEFAULT_MASKER: Readonly<Record<PiiCategory, MaskerName>> = Object.freeze({
  NAME: 'name',
  EMAIL: 'email',
  PHONE: 'phone',
  ADDRESS: 'prefecture',
  BIRTH_DATE: 'year',
  PURCHASE: 'purchase',
  FREE_TEXT: 'freeText',
  IDENTIFIER: 'hash',
});

export function isMaskerName(s: string): s is MaskerName {
  // Own keys only: `toString` or `__proto__` in a policy file must not pass as a masker.
  return Object.hasOwn(MASKERS, s);
}
