/**
 * Blind indexes: a keyed HMAC over a normalised value, stored beside the ciphertext so exact-match
 * lookups work without any plaintext column. Leakage, by design: equal values have equal indexes,
 * so someone with the database sees which customers share an e-mail or phone (not what it is).
 */
import { createHmac } from 'node:crypto';

export type BlindIndexKind = 'email' | 'phone' | 'name';

export function normalizeEmail(value: string): string {
  return value.normalize('NFKC').trim().toLowerCase();
}

/** Digits only, with the Japanese country code folded: `+81 90-1234-5678` = `090-1234-5678`. */
export function normalizePhone(value: string): string {
  const v = value.normalize('NFKC').trim();
  const digits = v.replace(/\D/g, '');
  if (v.startsWith('+81')) return `0${digits.slice(2).replace(/^0/, '')}`;
  if (v.startsWith('+')) return `+${digits}`;
  return digits;
}

/** Spaces (half- and full-width) dropped: `山田 太郎` = `山田　太郎` = `山田太郎`. */
export function normalizeName(value: string): string {
  return value.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

const NORMALIZERS: Record<BlindIndexKind, (v: string) => string> = {
  email: normalizeEmail,
  phone: normalizePhone,
  name: normalizeName,
};

export function blindIndex(key: Uint8Array, kind: BlindIndexKind, value: string): string {
  // The kind is part of the input: an e-mail and a phone that normalise alike still index apart.
  return createHmac('sha256', key).update(`${kind}\u0000${NORMALIZERS[kind](value)}`, 'utf8').digest('base64url');
}
