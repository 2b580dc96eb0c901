/**
 * The pack's manifest: the SHA-256 of every file, signed (HMAC-SHA256) with the audit checkpoint
 * key, so an auditor's copy can be checked byte for byte by anyone holding the key ring that signs
 * the chain's checkpoints. A file changed, added or removed, or a manifest edited, fails verify.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckpointKey } from '../checkpoint.js';

export const MANIFEST = 'manifest.json';
export const SIGNATURE = 'manifest.sig';

export interface Manifest {
  format: 'koe-evidence/1';
  from: string;
  to: string;
  generatedAt: string;
  keyId: string;
  files: Array<{ name: string; bytes: number; sha256: string }>;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sign = (key: CheckpointKey, bytes: Buffer) => createHmac('sha256', key.secret).update('koe-evidence-manifest\n').update(bytes).digest('hex');

export function writeManifest(dir: string, files: string[], key: CheckpointKey, meta: Pick<Manifest, 'from' | 'to' | 'generatedAt'>): Manifest {
  const manifest: Manifest = {
    format: 'koe-evidence/1',
    ...meta,
    keyId: key.id,
    files: files.map((name) => {
      const b = readFileSync(join(dir, name));
      return { name, bytes: b.length, sha256: sha256(b) };
    }),
  };
  const bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(dir, MANIFEST), bytes);
  writeFileSync(join(dir, SIGNATURE), `${key.id} ${sign(key, bytes)}\n`);
  return manifest;
}

export interface ManifestCheck {
  ok: boolean;
  problems: string[];
  files: number;
}

export function verifyManifest(dir: string, key: CheckpointKey): ManifestCheck {
  const problems: string[] = [];
  let bytes: Buffer;
  let sig: string;
  try {
    bytes = readFileSync(join(dir, MANIFEST));
    sig = readFileSync(join(dir, SIGNATURE), 'utf8').trim();
  } catch (e) {
    return { ok: false, problems: [`cannot read ${MANIFEST} and ${SIGNATURE}: ${(e as Error).message}`], files: 0 };
  }
  const [keyId, signature = ''] = sig.split(' ');
  const want = Buffer.from(sign(key, bytes), 'hex');
  const got = Buffer.from(signature, 'hex');
  if (keyId !== key.id) problems.push(`${SIGNATURE}: signed with key ${keyId}, not the current checkpoint key ${key.id}`);
  else if (got.length !== want.length || !timingSafeEqual(got, want)) problems.push(`${SIGNATURE}: the signature does not match ${MANIFEST} (the manifest was edited or forged)`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
  } catch {
    return { ok: false, problems: [...problems, `${MANIFEST} is not JSON`], files: 0 };
  }
  const listed = new Set(manifest.files.map((f) => f.name));
  for (const f of manifest.files) {
    let b: Buffer;
    try {
      b = readFileSync(join(dir, f.name));
    } catch {
      problems.push(`${f.name}: listed in the manifest but missing`);
      continue;
    }
    if (b.length !== f.bytes || sha256(b) !== f.sha256) problems.push(`${f.name}: content differs from the manifest (SHA-256 ${sha256(b).slice(0, 16)}…, manifest ${f.sha256.slice(0, 16)}…)`);
  }
  for (const name of readdirSync(dir)) {
    if (name !== MANIFEST && name !== SIGNATURE && !listed.has(name)) problems.push(`${name}: not in the manifest (added after signing)`);
  }
  return { ok: problems.length === 0, problems, files: manifest.files.length };
}
