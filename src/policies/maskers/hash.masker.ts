/**
 * A keyed pseudonym for identifiers: `h_` + the first 16 hex digits of HMAC-SHA256 over the
 * NFKC-normalised value. The same key gives the same pseudonym, so rows can still be joined and
 * counted; without the key it cannot be reversed by hashing guesses, which a plain hash allows.
 */
import { createHmac } from 'node:crypto';
import type { MaskContext } from './index.js';
import { REDACTED } from './redact.masker.js';

const PREFIX = 'h_';
const HEX_CHARS = 16;

function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return null;
}

function usableKey(key: unknown): key is string | Uint8Array {
  return (typeof key === 'string' || key instanceof Uint8Array) && key.length > 0;
}

export function maskHash(value: unknown, ctx: MaskContext): string | null {
  if (value == null) return null;
  const text = textOf(value);
  // No key means no pseudonym worth the name (an empty HMAC key is a dictionary away): deny instead.
  if (text === null || !usableKey(ctx?.pseudonymKey)) return REDACTED;
  const digest = createHmac('sha256', ctx.pseudonymKey).update(text.normalize('NFKC'), 'utf8').digest('hex');
  return PREFIX + digest.slice(0, HEX_CHARS);
}
