/**
 * Known answers and edges of field encryption, so that a change to what a value is bound to (the
 * AAD strings, the blind index's domain separation) or to a bound fails here before it makes stored
 * data unreadable: ciphertexts sealed by today's code must open tomorrow.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addKeyFileVersion,
  blindIndex,
  dataKeyAad,
  decryptField,
  DecryptionError,
  encryptField,
  fieldAad,
  LocalKeyProvider,
  loadMasterKeys,
  normalizeName,
  normalizePhone,
  open,
  parseMasterKeyEnv,
  seal,
} from '../../src/crypto/index.js';

const KEY = Buffer.alloc(32, 7);
/** Sealed by this code base with KEY for `customer.email` of record `c-1`. */
const SEALED_EMAIL = 'ENC1:Kf-la_GMNn2v2F0a03jNkMI1k-4STywj3gFfjYf7fAU-YJZhOYwqzhxzzA';
/** A data key of 32 bytes of 9, wrapped with KEY for owner `c-1`. */
const WRAPPED_DATA_KEY = 'J0H9nHZoVRGhYSrToaQ0UnPGSXiltz3eKrHKku/wcp8Q/RUXHSGnmq5GF2COZTwHuCCQu0WcIEpqom0/';

describe('stored formats (known answers)', () => {
  it('opens a field sealed by this code base, bound to its table, column and record', () => {
    expect(decryptField(KEY, SEALED_EMAIL, fieldAad('customer', 'email', 'c-1'))).toBe('taro@example.jp');
    expect(fieldAad('customer', 'email', 'c-1').toString('utf8')).toBe('koe:field:customer.email:c-1');
    for (const aad of [fieldAad('customer', 'email', 'c-2'), fieldAad('customer', 'phone', 'c-1'), fieldAad('feedback', 'email', 'c-1')]) {
      expect(() => decryptField(KEY, SEALED_EMAIL, aad)).toThrow(DecryptionError);
    }
  });

  it('seals with the ENC1: prefix and base64url', () => {
    expect(encryptField(KEY, 'x', fieldAad('t', 'c', 'r'))).toMatch(/^ENC1:[A-Za-z0-9_-]+$/);
  });

  it('unwraps a data key wrapped by this code base, bound to its owner', () => {
    const provider = new LocalKeyProvider(new Map([[1, KEY]]));
    const wrapped = { kekVersion: 1, wrapped: Buffer.from(WRAPPED_DATA_KEY, 'base64') };
    expect(provider.unwrap(wrapped, dataKeyAad('c-1'))).toEqual(Buffer.alloc(32, 9));
    expect(dataKeyAad('c-1').toString('utf8')).toBe('koe:data-key:c-1');
    expect(() => provider.unwrap(wrapped, dataKeyAad('c-2'))).toThrow(DecryptionError);
  });

  it('fingerprints a key-encryption key as it always has', () => {
    expect(new LocalKeyProvider(new Map([[1, KEY]])).fingerprint(1)).toBe('957b5e3b3daa6f33');
  });

  it.each([
    ['email', 'Taro@Example.jp', 'RAa0SpnNuoDGkaXWwzmt3_kc3YKCTQV5gfSoQQSU9wE'],
    ['phone', '090-1234-5678', 'venpR6ESyH_yCVoyaFJRpp4g-O1FyEzyHD6Bof98DA8'],
    ['name', '山田 太郎', 'sb94EMxSGppT0NrE7SoGj7uehAfP-z2AXN0qI5waawg'],
  ] as const)('indexes a %s as it always has (blind indexes already stored must still match)', (kind, value, index) => {
    expect(blindIndex(KEY, kind, value)).toBe(index);
  });
});

describe('AEAD bounds and errors', () => {
  it('opens the shortest sealed value (an empty plaintext: nonce and tag only)', () => {
    const sealed = seal(KEY, Buffer.alloc(0), Buffer.from('a'));
    expect(sealed.length).toBe(12 + 16);
    expect(open(KEY, sealed, Buffer.from('a'))).toEqual(Buffer.alloc(0));
  });

  it.each([
    ['a key of the wrong length', () => open(Buffer.alloc(16), seal(KEY, Buffer.from('x'), Buffer.alloc(0)), Buffer.alloc(0)), 'key has the wrong length'],
    ['a value shorter than nonce and tag', () => open(KEY, Buffer.alloc(27), Buffer.alloc(0)), 'ciphertext too short'],
    ['a tampered value', () => open(KEY, Buffer.alloc(40), Buffer.alloc(0)), 'authentication tag mismatch'],
  ])('refuses %s with a DecryptionError saying so', (_what, run, reason) => {
    expect(run).toThrow(DecryptionError);
    expect(run).toThrow(`Decryption failed: ${reason}`);
    try {
      run();
    } catch (e) {
      expect((e as Error).name).toBe('DecryptionError');
    }
  });
});

describe('normalisation before blind indexing', () => {
  it.each([
    ['+1 (555) 010-9999', '+15550109999'],
    ['＋８１ ９０-１２３４-５６７８', '09012345678'],
    ['+81 (0)90 1234 5678', '09012345678'],
    ['  03-1234-5678 ', '0312345678'],
    [' +81 90-1234-5678', '09012345678'],
    [' +44 20 7946 0000', '+442079460000'],
  ])('phone %s → %s', (input, out) => {
    expect(normalizePhone(input)).toBe(out);
  });

  it.each([
    ['TARO Yamada', 'taroyamada'],
    ['Ｔａｒｏ\u3000Ｙａｍａｄａ', 'taroyamada'],
    ['ﾔﾏﾀﾞ\tﾀﾛｳ', 'ヤマダタロウ'],
  ])('name %s → %s', (input, out) => {
    expect(normalizeName(input)).toBe(out);
  });
});

describe(LocalKeyProvider.name, () => {
  it.each([
    ['no key', new Map<number, Uint8Array>(), 'no key-encryption key configured'],
    ['version 0', new Map([[0, KEY]]), 'key-encryption key version must be a positive integer (got 0)'],
    ['a fractional version', new Map([[1.5, KEY]]), 'key-encryption key version must be a positive integer (got 1.5)'],
    ['a short key', new Map([[1, Buffer.alloc(31)]]), 'key-encryption key version 1 must be 32 bytes (got 31)'],
  ])('refuses %s', (_what, keys, message) => {
    expect(() => new LocalKeyProvider(keys)).toThrow(message);
  });

  it('lists versions oldest first and wraps with the newest', () => {
    const p = new LocalKeyProvider(new Map([[3, KEY], [1, Buffer.alloc(32, 1)], [2, Buffer.alloc(32, 2)]]));
    expect(p.versions()).toEqual([1, 2, 3]);
    expect(p.newestVersion()).toBe(3);
    expect(p.wrap(Buffer.alloc(32), dataKeyAad('o')).kekVersion).toBe(3);
    expect(() => p.fingerprint(4)).toThrow('key-encryption key version 4 is not configured (have 1, 2, 3)');
  });
});

describe(parseMasterKeyEnv.name, () => {
  const b64 = (n: number) => Buffer.alloc(32, n).toString('base64');

  it('reads one key as version 1, and a list with versions of several digits', () => {
    expect([...parseMasterKeyEnv(` ${b64(1)} `)]).toEqual([[1, Buffer.alloc(32, 1)]]);
    expect([...parseMasterKeyEnv(`12:${b64(2)}, 3:${b64(3)}`)]).toEqual([[12, Buffer.alloc(32, 2)], [3, Buffer.alloc(32, 3)]]);
    expect([...parseMasterKeyEnv(`7:${b64(4)}`)]).toEqual([[7, Buffer.alloc(32, 4)]]);
    expect([...parseMasterKeyEnv(`12:${b64(5)}`)]).toEqual([[12, Buffer.alloc(32, 5)]]);
  });

  it.each([
    ['', 'KOE_MASTER_KEY is empty'],
    [`1:${b64(1)},x${b64(2)}`, 'each must be "<version>:<base64>"'],
    [`1:${b64(1)},1:${b64(2)}`, 'version 1 is invalid or repeated'],
    [`${b64(1)},2:${b64(2)}`, 'each must be "<version>:<base64>"'],
    [`1:${b64(1)},x2:${b64(2)}`, 'each must be "<version>:<base64>"'],
    [`x1:${b64(1)}`, 'KOE_MASTER_KEY must be base64 of 32 bytes'],
    [`1:${Buffer.alloc(8).toString("base64")}`, "KOE_MASTER_KEY version 1 must be base64 of 32 bytes (it decodes to 8)"],
    [Buffer.alloc(16).toString('base64'), 'KOE_MASTER_KEY must be base64 of 32 bytes (it decodes to 16)'],
  ])('refuses %j', (value, message) => {
    expect(() => parseMasterKeyEnv(value)).toThrow(message);
  });
});

describe('the development key file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'koe-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('continues the initial key as version 1, mode 600, and adds the version after the highest', () => {
    const file = join(dir, 'a', 'keyring.json');
    const src = loadMasterKeys({ keyFile: file, initialKey: Buffer.alloc(32, 5).toString('base64') });
    expect(src).toMatchObject({ kind: 'file', file });
    expect([...src.keys]).toEqual([[1, Buffer.alloc(32, 5)]]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { versions: Array<{ version: number }> };
    parsed.versions.push({ version: 4 } as never);
    (parsed.versions[1] as unknown as { key: string }).key = Buffer.alloc(32, 6).toString('base64');
    writeFileSync(file, JSON.stringify(parsed));
    expect(addKeyFileVersion(file)).toBe(5);
    expect([...loadMasterKeys({ keyFile: file }).keys.keys()]).toEqual([1, 4, 5]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['not JSON', 'nope', 'is unreadable or not JSON (SyntaxError)'],
    ['without versions', '{"versions":[]}', 'holds no key versions'],
    ['with versions not a list', '{"versions":{}}', 'holds no key versions'],
  ])('refuses a key file %s', (_what, content, message) => {
    const file = join(dir, `bad-${_what.replace(/\W/g, '')}.json`);
    writeFileSync(file, content);
    chmodSync(file, 0o600);
    expect(() => loadMasterKeys({ keyFile: file })).toThrow(message);
  });

  it('names the bad key in its error, never its value', () => {
    expect(() => loadMasterKeys({ keyFile: join(dir, 'init.json'), initialKey: 'c2hvcnQ=' })).toThrow('the development master key must be base64 of 32 bytes (it decodes to 5)');
    const file = join(dir, 'short-key.json');
    writeFileSync(file, JSON.stringify({ versions: [{ version: 2, key: 'c2hvcnQ=', createdAt: '' }] }));
    expect(() => loadMasterKeys({ keyFile: file })).toThrow(`${file} version 2 must be base64 of 32 bytes (it decodes to 5)`);
  });

  it('prefers KOE_MASTER_KEY to any key file', () => {
    const src = loadMasterKeys({ masterKey: Buffer.alloc(32, 8).toString('base64'), keyFile: join(dir, 'never.json') });
    expect(src).toMatchObject({ kind: 'env', file: null });
  });
});
