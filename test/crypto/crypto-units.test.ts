/**
 * The pure building blocks of field encryption, without a database: what a ciphertext is bound to,
 * how master keys are read (and that their errors never echo a key), what a blind index considers
 * equal, and the bounds of the unwrapped-key cache.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addKeyFileVersion,
  blindIndex,
  decryptField,
  DecryptionError,
  dataKeyAad,
  encryptField,
  fieldAad,
  isSealedField,
  KeyCache,
  LocalKeyProvider,
  loadMasterKeys,
  normalizeEmail,
  normalizeName,
  normalizePhone,
  open,
  parseMasterKeyEnv,
  seal,
} from '../../src/crypto/index.js';
import { runClock } from '../../src/crypto/key-cache.js';

const key = randomBytes(32);
const otherKey = randomBytes(32);
const ID = '11111111-1111-4111-8111-111111111111';
const OTHER_ID = '22222222-2222-4222-8222-222222222222';

describe('seal and open (AES-256-GCM)', () => {
  it('round-trips bytes under the same key and associated data', () => {
    const aad = Buffer.from('koe:test');
    const sealed = seal(key, Buffer.from('山田 太郎 <taro@example.jp>'), aad);
    expect(open(key, sealed, aad).toString('utf8')).toBe('山田 太郎 <taro@example.jp>');
  });

  it('uses a fresh nonce per value: the same plaintext sealed twice gives different ciphertexts', () => {
    const aad = fieldAad('customer', 'email', ID);
    const a = encryptField(key, 'taro@example.jp', aad);
    const b = encryptField(key, 'taro@example.jp', aad);
    expect(a).not.toBe(b);
    expect(Buffer.from(a.slice(5), 'base64url').subarray(0, 12)).not.toEqual(Buffer.from(b.slice(5), 'base64url').subarray(0, 12));
    expect(decryptField(key, a, aad)).toBe('taro@example.jp');
    expect(decryptField(key, b, aad)).toBe('taro@example.jp');
  });

  it('refuses a key of the wrong length on both sides', () => {
    expect(() => seal(randomBytes(16), Buffer.from('x'), Buffer.alloc(0))).toThrow(/32 bytes/);
    expect(() => open(randomBytes(16), seal(key, Buffer.from('x'), Buffer.alloc(0)), Buffer.alloc(0))).toThrow(DecryptionError);
  });
});

describe('encryptField and decryptField', () => {
  const aad = fieldAad('customer', 'email', ID);
  const stored = encryptField(key, 'taro@example.jp', aad);

  it('stores the ENC1: format, recognised by isSealedField, and decrypts back', () => {
    expect(stored.startsWith('ENC1:')).toBe(true);
    expect(isSealedField(stored)).toBe(true);
    expect(isSealedField('taro@example.jp')).toBe(false);
    expect(isSealedField('ENC1:short')).toBe(false);
    expect(decryptField(key, stored, aad)).toBe('taro@example.jp');
  });

  const denials: Array<[string, () => string]> = [
    ['moved to another record', () => decryptField(key, stored, fieldAad('customer', 'email', OTHER_ID))],
    ['moved to another column', () => decryptField(key, stored, fieldAad('customer', 'phone', ID))],
    ['moved to another table', () => decryptField(key, stored, fieldAad('feedback', 'email', ID))],
    ['opened under another key', () => decryptField(otherKey, stored, aad)],
    [
      'with one byte of the ciphertext flipped',
      () => {
        const raw = Buffer.from(stored.slice(5), 'base64url');
        raw[14] = raw[14]! ^ 0x01;
        return decryptField(key, `ENC1:${raw.toString('base64url')}`, aad);
      },
    ],
    [
      'with one byte of the tag flipped',
      () => {
        const raw = Buffer.from(stored.slice(5), 'base64url');
        raw[raw.length - 1] = raw[raw.length - 1]! ^ 0x80;
        return decryptField(key, `ENC1:${raw.toString('base64url')}`, aad);
      },
    ],
    ['truncated below nonce and tag', () => decryptField(key, 'ENC1:AAAA', aad)],
  ];

  it.each(denials)('a ciphertext %s does not decrypt (DecryptionError, no plaintext in the message)', (_what, attempt) => {
    let error: unknown;
    try {
      attempt();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DecryptionError);
    expect(String((error as Error).message)).not.toContain('taro');
  });

  it('refuses a value without the ENC1: prefix instead of treating it as ciphertext', () => {
    expect(() => decryptField(key, 'taro@example.jp', aad)).toThrow(/ENC1/);
  });
});

describe('LocalKeyProvider and wrapped data keys', () => {
  const provider = new LocalKeyProvider(new Map([[1, key]]));
  const dataKey = randomBytes(32);
  const wrapped = provider.wrap(dataKey, dataKeyAad(ID));

  it('unwraps a data key for the owner it was wrapped for', () => {
    expect(wrapped.kekVersion).toBe(1);
    expect(provider.unwrap(wrapped, dataKeyAad(ID))).toEqual(dataKey);
    expect(wrapped.wrapped.includes(dataKey)).toBe(false);
  });

  it('does not unwrap a data key copied to another owner', () => {
    expect(() => provider.unwrap(wrapped, dataKeyAad(OTHER_ID))).toThrow(DecryptionError);
  });

  it('does not unwrap under another KEK with the same version number', () => {
    const impostor = new LocalKeyProvider(new Map([[1, otherKey]]));
    expect(() => impostor.unwrap(wrapped, dataKeyAad(ID))).toThrow(DecryptionError);
    expect(impostor.fingerprint(1)).not.toBe(provider.fingerprint(1));
  });

  it('names a missing KEK version without printing any key', () => {
    expect(() => provider.unwrap({ ...wrapped, kekVersion: 2 }, dataKeyAad(ID))).toThrow(/version 2 is not configured/);
  });

  it('has a fingerprint that is not the key', () => {
    const fp = provider.fingerprint(1);
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(key.toString('hex')).not.toContain(fp);
  });
});

describe(parseMasterKeyEnv.name, () => {
  const k1 = randomBytes(32).toString('base64');
  const k2 = randomBytes(32).toString('base64');
  const k3 = randomBytes(32).toString('base64');

  it('reads one base64 key as version 1', () => {
    const keys = parseMasterKeyEnv(k1);
    expect([...keys.keys()]).toEqual([1]);
    expect(keys.get(1)!.toString('base64')).toBe(k1);
  });

  it('reads a list "3:<base64>,2:<base64>" during a rotation (spaces allowed)', () => {
    const keys = parseMasterKeyEnv(` 3:${k3} , 2:${k2} `);
    expect([...keys.keys()].sort()).toEqual([2, 3]);
    expect(keys.get(3)!.toString('base64')).toBe(k3);
    expect(keys.get(2)!.toString('base64')).toBe(k2);
  });

  const short = randomBytes(16).toString('base64');
  const long = randomBytes(48).toString('base64');
  const errors: Array<[string, string, RegExp, string[]]> = [
    ['an empty value', ' , ', /empty/, []],
    ['a key of the wrong length', short, /32 bytes/, [short]],
    ['a hex key (decodes to 48 bytes)', randomBytes(32).toString('hex'), /32 bytes/, []],
    ['a list with a wrong-length key', `1:${k1},2:${long}`, /version 2 must be base64 of 32 bytes/, [k1, long]],
    ['a list with an entry without version', `2:${k2},${k1}`, /"<version>:<base64>"/, [k1, k2]],
    ['a repeated version', `1:${k1},1:${k2}`, /version 1 is invalid or repeated/, [k1, k2]],
    ['version 0', `0:${k1}`, /version 0 is invalid/, [k1]],
  ];

  it.each(errors)('refuses %s with a message that never echoes a key', (_what, value, message, secrets) => {
    let error: Error | undefined;
    try {
      parseMasterKeyEnv(value);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(message);
    for (const s of [...secrets, value.trim()]) if (s.length > 8) expect(error!.message).not.toContain(s);
    // Nor any decoded form of them.
    for (const s of secrets) expect(error!.message).not.toContain(Buffer.from(s, 'base64').toString('hex'));
  });
});

describe(blindIndex.name, () => {
  const bk = randomBytes(32);

  it.each([
    ['email', 'Taro@Example.JP ', 'taro@example.jp'],
    ['email', '　ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ', 'taro@example.jp'],
    ['phone', '+81 90-1234-5678', '090-1234-5678'],
    ['phone', '０９０１２３４５６７８', '090-1234-5678'],
    ['phone', '+81 (0)90 1234 5678', '09012345678'],
    ['phone', '＋８１９０１２３４５６７８', '090-1234-5678'],
    ['name', '山田 太郎', '山田　太郎'],
    ['name', '山田太郎', '山田　太郎'],
    ['name', 'Taro  Yamada', 'taro yamada'],
  ] as const)('%s %j indexes like %j', (kind, a, b) => {
    expect(blindIndex(bk, kind, a)).toBe(blindIndex(bk, kind, b));
  });

  it.each([
    ['email', 'taro@example.jp', 'taro@example.com'],
    ['phone', '090-1234-5678', '090-1234-5679'],
    // Another country code is not folded into a Japanese number.
    ['phone', '+1 90-1234-5678', '090-1234-5678'],
    ['name', '山田太郎', '山田花子'],
  ] as const)('%s %j indexes apart from %j', (kind, a, b) => {
    expect(blindIndex(bk, kind, a)).not.toBe(blindIndex(bk, kind, b));
  });

  it('normalises as documented', () => {
    expect(normalizeEmail('Taro@Example.JP ')).toBe('taro@example.jp');
    expect(normalizePhone('+81 90-1234-5678')).toBe('09012345678');
    expect(normalizePhone('090-1234-5678')).toBe('09012345678');
    expect(normalizePhone('０９０１２３４５６７８')).toBe('09012345678');
    expect(normalizeName('山田　太郎')).toBe('山田太郎');
  });

  it('indexes different kinds apart even when the normalised values are equal', () => {
    expect(blindIndex(bk, 'email', '09012345678')).not.toBe(blindIndex(bk, 'phone', '09012345678'));
    expect(blindIndex(bk, 'email', 'taro')).not.toBe(blindIndex(bk, 'name', 'taro'));
  });

  it('gives different indexes under a different key, and never the plaintext', () => {
    const a = blindIndex(bk, 'email', 'taro@example.jp');
    expect(blindIndex(randomBytes(32), 'email', 'taro@example.jp')).not.toBe(a);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toContain('taro');
  });
});

describe(KeyCache.name, () => {
  it('holds at most its capacity, dropping the oldest entry first', () => {
    const cache = new KeyCache<string>(2, 60_000, () => 0);
    cache.set('a', 'A');
    cache.set('b', 'B');
    cache.set('c', 'C');
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe('B');
    expect(cache.get('c')).toBe('C');
  });

  it('forgets an entry once its time is up, measured by the injected clock', () => {
    let now = 1_000;
    const cache = new KeyCache<string>(10, 500, () => now);
    cache.set('a', 'A');
    now = 1_499;
    expect(cache.get('a')).toBe('A');
    now = 1_500;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('renews the age of an entry that is set again, and deletes and clears on demand', () => {
    let now = 0;
    const cache = new KeyCache<string>(10, 100, () => now);
    cache.set('a', 'A');
    now = 90;
    cache.set('a', 'A2');
    now = 150;
    expect(cache.get('a')).toBe('A2');
    cache.set('b', 'B');
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    cache.clear();
    expect(cache.size).toBe(0);
  });
});

describe(runClock.name, () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('reads the time once per synchronous run, and anew in the next one', async () => {
    const first = runClock();
    const busyUntil = Date.now() + 5;
    while (Date.now() < busyUntil) {
      // the same run: the clock is not read again
    }
    expect(runClock()).toBe(first);
    await sleep(5);
    expect(runClock()).toBeGreaterThanOrEqual(first + 5);
  });

  it('is what a KeyCache without an injected clock ages its entries by: an entry set in one run has expired in a later one', async () => {
    const cache = new KeyCache<string>(10, 20);
    cache.set('a', 'A');
    expect(cache.get('a')).toBe('A');
    await sleep(40);
    expect(cache.get('a')).toBeUndefined();
  });
});

describe(loadMasterKeys.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'koe-keyring-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the development key file with mode 600, and addKeyFileVersion adds version 2', () => {
    const file = join(dir, '.koe', 'keyring.json');
    const first = loadMasterKeys({ keyFile: file });
    expect(first.kind).toBe('file');
    expect(first.file).toBe(file);
    expect([...first.keys.keys()]).toEqual([1]);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    expect(addKeyFileVersion(file)).toBe(2);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = loadMasterKeys({ keyFile: file });
    expect([...again.keys.keys()].sort()).toEqual([1, 2]);
    // Version 1 is kept as it was, and version 2 is a different key.
    expect(again.keys.get(1)).toEqual(first.keys.get(1));
    expect(again.keys.get(2)).not.toEqual(again.keys.get(1));
  });

  it('continues the development key given as initialKey', () => {
    const initial = randomBytes(32).toString('base64');
    const source = loadMasterKeys({ keyFile: join(dir, 'initial', 'keyring.json'), initialKey: initial });
    expect(source.keys.get(1)!.toString('base64')).toBe(initial);
  });

  it('prefers KOE_MASTER_KEY and then writes no key file', () => {
    const file = join(dir, 'unused', 'keyring.json');
    const source = loadMasterKeys({ masterKey: randomBytes(32).toString('base64'), keyFile: file });
    expect(source.kind).toBe('env');
    expect(source.file).toBeNull();
    expect(existsSync(file)).toBe(false);
  });
});
