/**
 * The stored form of an encrypted field: `ENC1:` + base64url(nonce | ciphertext | tag). The prefix
 * names the format, so a later format can be read beside this one and plaintext left over from
 * before encryption is recognised (and encrypted by the data migration).
 */
import { open, seal } from './aead.js';

export const FIELD_PREFIX = 'ENC1:';
// nonce 12 + tag 16 = at least 28 bytes -> at least 38 base64url characters.
const SEALED = /^ENC1:[A-Za-z0-9_-]{38,}$/;

/** What a field's ciphertext is bound to: moving it to another record, column or owner breaks it. */
export function fieldAad(table: string, column: string, recordId: string): Buffer {
  return Buffer.from(`koe:field:${table}.${column}:${recordId}`, 'utf8');
}

export function isSealedField(stored: string): boolean {
  return SEALED.test(stored);
}

export function encryptField(key: Uint8Array, plaintext: string, aad: Uint8Array): string {
  return FIELD_PREFIX + seal(key, Buffer.from(plaintext, 'utf8'), aad).toString('base64url');
}

export function decryptField(key: Uint8Array, stored: string, aad: Uint8Array): string {
  if (!stored.startsWith(FIELD_PREFIX)) throw new Error('not an encrypted field value (no ENC1: prefix)');
  return open(key, Buffer.from(stored.slice(FIELD_PREFIX.length), 'base64url'), aad).toString('utf8');
}
