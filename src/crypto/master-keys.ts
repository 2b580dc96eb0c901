/**
 * Where the key-encryption keys come from: `KOE_MASTER_KEY` (one base64 key = version 1, or a list
 * `3:<base64>,2:<base64>` while a rotation is under way), else a key file generated once for
 * development (`.koe/keyring.json`, git-ignored, mode 600). Key material is never printed.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { KEY_BYTES } from './aead.js';

export interface MasterKeySource {
  keys: Map<number, Buffer>;
  /** `env` keys can only be changed by the operator; `file` keys can be added by `koe keys rotate`. */
  kind: 'env' | 'file';
  /** The key file, when kind is `file`. */
  file: string | null;
}

interface KeyFile {
  versions: Array<{ version: number; key: string; createdAt: string }>;
}

function decodeKey(b64: string, what: string): Buffer {
  const key = Buffer.from(b64.trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`${what} must be base64 of ${KEY_BYTES} bytes (it decodes to ${key.length})`);
  return key;
}

export function parseMasterKeyEnv(value: string): Map<number, Buffer> {
  const keys = new Map<number, Buffer>();
  const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new Error('KOE_MASTER_KEY is empty');
  if (parts.length === 1 && !/^\d+:/.test(parts[0]!)) return new Map([[1, decodeKey(parts[0]!, 'KOE_MASTER_KEY')]]);
  for (const part of parts) {
    const m = /^(\d+):(.+)$/.exec(part);
    if (!m) throw new Error('KOE_MASTER_KEY: with several keys each must be "<version>:<base64>", separated by commas');
    const version = Number(m[1]);
    if (version < 1 || keys.has(version)) throw new Error(`KOE_MASTER_KEY: version ${m[1]} is invalid or repeated`);
    keys.set(version, decodeKey(m[2]!, `KOE_MASTER_KEY version ${version}`));
  }
  return keys;
}

/** `masterKey`: KOE_MASTER_KEY as configured (null or absent: the key file). */
export function loadMasterKeys(opts: { masterKey?: string | null; keyFile: string; initialKey?: string }): MasterKeySource {
  if (opts.masterKey) return { keys: parseMasterKeyEnv(opts.masterKey), kind: 'env', file: null };
  if (!existsSync(opts.keyFile)) {
    // The first key continues the one development already used (secrets.json), if any.
    const first = opts.initialKey ? decodeKey(opts.initialKey, 'the development master key') : randomBytes(KEY_BYTES);
    writeKeyFile(opts.keyFile, { versions: [{ version: 1, key: first.toString('base64'), createdAt: new Date().toISOString() }] });
  }
  return { keys: readKeyFile(opts.keyFile), kind: 'file', file: opts.keyFile };
}

function readKeyFile(file: string): Map<number, Buffer> {
  let parsed: KeyFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  } catch (e) {
    throw new Error(`Key file ${file} is unreadable or not JSON (${(e as Error).name})`);
  }
  if (!Array.isArray(parsed.versions) || parsed.versions.length === 0) throw new Error(`Key file ${file} holds no key versions`);
  return new Map(parsed.versions.map((v) => [v.version, decodeKey(v.key, `${file} version ${v.version}`)]));
}

/** Adds the next version to the key file; the new key is random and written before it is used. */
export function addKeyFileVersion(file: string): number {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  const next = Math.max(...parsed.versions.map((v) => v.version)) + 1;
  parsed.versions.push({ version: next, key: randomBytes(KEY_BYTES).toString('base64'), createdAt: new Date().toISOString() });
  writeKeyFile(file, parsed);
  return next;
}

function writeKeyFile(file: string, content: KeyFile): void {
  mkdirSync(dirname(file), { recursive: true });
  // Written aside and renamed: a crash mid-write never leaves a truncated key file.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(content, null, 2), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
