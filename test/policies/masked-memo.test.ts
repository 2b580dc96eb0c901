/** Remembered masks give exactly what the masker gives, per mask context, and never the input itself. */
import { describe, expect, it } from 'vitest';
import { MASKERS, type MaskContext } from '../../src/policies/maskers/index.js';
import { maskMemoised } from '../../src/resolvers/guard/masked-memo.js';

describe(maskMemoised.name, () => {
  it('returns what the masker returns, the first time and from memory', () => {
    const ctx: MaskContext = { pseudonymKey: 'k1' };
    for (const [name, value] of [['phone', '090-1234-5678'], ['email', 'taro@example.jp'], ['freeText', '電話は090-1234-5678です']] as const) {
      const expected = MASKERS[name](value, ctx);
      expect(maskMemoised(name, MASKERS[name], value, ctx)).toBe(expected);
      expect(maskMemoised(name, MASKERS[name], value, ctx)).toBe(expected);
      expect(expected).not.toBe(value);
    }
  });

  it('keeps mask contexts apart: a pseudonym under one key is not served under another', () => {
    const a: MaskContext = { pseudonymKey: 'key-a' };
    const b: MaskContext = { pseudonymKey: 'key-b' };
    const underA = maskMemoised('hash', MASKERS.hash, 'taro@example.jp', a);
    const underB = maskMemoised('hash', MASKERS.hash, 'taro@example.jp', b);
    expect(underA).toBe(MASKERS.hash('taro@example.jp', a));
    expect(underB).toBe(MASKERS.hash('taro@example.jp', b));
    expect(underA).not.toBe(underB);
  });

  it('keeps maskers apart for the same value', () => {
    const ctx: MaskContext = { pseudonymKey: 'k' };
    expect(maskMemoised('redact', MASKERS.redact, '090-1234-5678', ctx)).toBe(MASKERS.redact('090-1234-5678', ctx));
    expect(maskMemoised('phone', MASKERS.phone, '090-1234-5678', ctx)).toBe(MASKERS.phone('090-1234-5678', ctx));
  });
});
