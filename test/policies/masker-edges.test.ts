/**
 * Masker outputs at the edges the main table leaves out: characters outside the BMP, the years a
 * birth date may have, foreign phone prefixes, and the value types a pseudonym accepts.
 */
import { describe, expect, it } from 'vitest';
import { maskEmail } from '../../src/policies/maskers/email.masker.js';
import { maskFreeText } from '../../src/policies/maskers/freeText.masker.js';
import { maskHash } from '../../src/policies/maskers/hash.masker.js';
import { maskName } from '../../src/policies/maskers/name.masker.js';
import { maskPhone } from '../../src/policies/maskers/phone.masker.js';
import { maskYear } from '../../src/policies/maskers/year.masker.js';

describe('characters outside the BMP (𠮷 is two UTF-16 units)', () => {
  it.each([
    [maskEmail, '𠮷野家@example.jp', '𠮷***@example.jp'],
    [maskEmail, '𠮷@example.jp', '***@example.jp'],
    [maskName, '𠮷田', '𠮷*'],
    [maskName, '𠮷', '*'],
    [maskName, 'Ōta', 'Ō***'],
  ] as const)('%o masks %s as %s, never half a character or the whole name', (mask, input, expected) => {
    expect(mask(input)).toBe(expected);
  });
});

describe(maskYear.name, () => {
  it.each([
    ['1799-12-31', '***'], ['1800-01-01', '1800'], ['2199-12-31', '2199'], ['2200-01-01', '***'],
    ['1985-00-10', '***'], ['1985-01-00', '***'], ['1985-01-31', '1985'], ['1985-01-32', '***'], ['19851301', '***'],
    ['1985-12-01 10:00:00+09:00', '1985'], [' 1985-04-12 ', '1985'], ['\u30001985年4月12日', '1985'],
  ])('reads %s as %s', (input, expected) => {
    expect(maskYear(input)).toBe(expected);
  });

  it.each([[new Date(1799, 0, 1), '***'], [new Date(1800, 0, 1), '1800'], [new Date(2199, 11, 31), '2199'], [new Date(2200, 0, 1), '***']])('reads the Date %s as %s', (input, expected) => {
    expect(maskYear(input)).toBe(expected);
  });
});

describe(maskPhone.name, () => {
  it('keeps only + of a foreign country code', () => {
    expect(maskPhone('+44 20 7946 0958')).toBe('+** ** **** 0958');
  });

  it('hides all but the last four digits of a short number, bigint included', () => {
    expect(maskPhone('12345')).toBe('*2345');
    expect(maskPhone(12345n)).toBe('*2345');
  });

  it('reads a number pasted with spaces around it', () => {
    expect(maskPhone(' 090-1234-5678 ')).toBe('***-****-5678');
  });

  // Only text and numbers are read: String() of an array or an object would pass its digits on.
  it.each([[['090-1234-5678']], [{ toString: () => '09012345678' }], [true]])('hides %o whole', (value) => {
    expect(maskPhone(value)).toBe('****');
  });

  it('hides punctuation without digits instead of throwing', () => {
    expect(maskPhone('(')).toBe('****');
    expect(maskPhone('+()')).toBe('****');
  });
});

describe(maskHash.name, () => {
  const ctx = { pseudonymKey: 'k' };
  it('gives a number, a bigint and its text the same pseudonym', () => {
    expect(maskHash(123, ctx)).toBe('h_54536c9357ebad32');
    expect(maskHash(123n, ctx)).toBe('h_54536c9357ebad32');
    expect(maskHash('123', ctx)).toBe('h_54536c9357ebad32');
    expect(maskHash(true, ctx)).toBe('h_0694304f2e818c63');
  });

  it('redacts what it cannot read as text, and anything without a key', () => {
    expect(maskHash({}, ctx)).toBe('[REDACTED]');
    expect(maskHash('x', undefined as never)).toBe('[REDACTED]');
  });
});

describe(maskFreeText.name, () => {
  it('keeps the text between and after the spans it replaces', () => {
    expect(maskFreeText('A 090-1234-5678 B taro@example.com C')).toBe('A [PHONE] B [EMAIL] C');
  });
});
