/** Remembered masks give exactly what the masker gives, per mask context, and never the input itself. */
import { describe, expect, it } from 'vitest';
import { MASKERS, type MaskContext } from '../../src/policies/maskers/index.js';
import { memoisedMask } from '../../src/resolvers/guard/masked-memo.js';

describe(memoisedMask.name, () => {
  it('returns what the masker returns, the first time and from memory', () => {
    const ctx: MaskContext = { pseudonymKey: 'k1' };
    for (const [name, value] of [['phone', '090-1234-5678'], ['email', 'taro@example.jp'], ['freeText', '電話は090-1234-5678です']] as const) {
      const expected = MASKERS[name](value, ctx);
      expect(memoisedMask(name, ctx)(value)).toBe(expected);
      expect(memoisedMask(name, ctx)(value)).toBe(expected);
      expect(expected).not.toBe(value);
    }
  });

  it('keeps mask contexts apart: a pseudonym under one key is not served under another', () => {
    const a: MaskContext = { pseudonymKey: 'key-a' };
    const b: MaskContext = { pseudonymKey: 'key-b' };
    const underA = memoisedMask('hash', a)('taro@example.jp');
    const underB = memoisedMask('hash', b)('taro@example.jp');
    expect(underA).toBe(MASKERS.hash('taro@example.jp', a));
    expect(underB).toBe(MASKERS.hash('taro@example.jp', b));
    expect(underA).not.toBe(underB);
  });

  it('keeps maskers apart for the same value', () => {
    const ctx: MaskContext = { pseudonymKey: 'k' };
    expect(memoisedMask('redact', ctx)('090-1234-5678')).toBe(MASKERS.redact('090-1234-5678', ctx));
    expect(memoisedMask('phone', ctx)('090-1234-5678')).toBe(MASKERS.phone('090-1234-5678', ctx));
  });
});
