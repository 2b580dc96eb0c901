import { describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey } from '../../src/auth/api-key.js';
import { parseDuration } from '../../src/auth/api-key-admin.js';

describe(generateApiKey.name, () => {
  it('makes koe_<8-char prefix>_<256-bit secret> keys whose stored form is the SHA-256 of the whole key', () => {
    const keys = Array.from({ length: 50 }, generateApiKey);
    for (const k of keys) {
      expect(k.key).toMatch(/^koe_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}$/);
      expect(k.key.slice(4, 12)).toBe(k.prefix);
      expect(k.hash).toBe(hashApiKey(k.key));
      expect(k.hash).not.toContain(k.key.slice(13));
    }
    expect(new Set(keys.map((k) => k.prefix)).size).toBe(50);
  });
});

describe(parseDuration.name, () => {
  it.each([
    ['90d', 90 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['30m', 30 * 60_000],
    ['45s', 45_000],
  ])('reads %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '90', 'd', '1.5d', '-3d', '2w'])('refuses %j with BAD_USER_INPUT', (text) => {
    expect(() => parseDuration(text)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }));
  });
});
