/**
 * KEK rotation on a scratch database of 10,000 data keys: `koe keys rotate` run for real with a key
 * file (progress, retirement, audit event, data still readable), `koe keys status`, a rotation
 * that crashes midway and resumes, env mode without a new version, and an overdue KEK.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalKeyProvider, type KeyProvider } from '../../src/crypto/index.js';
import { FieldCrypto, kekVersions, keyProviderFor, keyStatus, rotateKeys, RotationError } from '../../src/data/encryption/index.js';
import { TEST_MASTER_KEY } from '../support/crypto.js';
import { koeCliEnv, runKoe, type KoeRun } from '../support/koe-cli.js';
import { scratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KEYS = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'koe-rotation-'));
const keyFile = join(dir, 'keyring.json');
/** Version 3, added "by the operator" in the resume test and passed as KOE_MASTER_KEY after it. */
const V3 = randomBytes(32);
let db: ScratchKoeDb;
let ids: string[];
/** A value sealed under some owners' data keys before any rotation. */
const sealed = new Map<string, string>();

beforeAll(async () => {
  db = await scratchKoeDb();
  ids = Array.from({ length: KEYS }, () => randomUUID());
  const keys = await db.crypto.ensureKeys(db.orm.em.fork(), ids);
  for (const id of ids.slice(0, 50)) sealed.set(id, db.crypto.encrypt(keys.get(id)!, 'customer', 'email', id, `${id}@example.com`)!);
  writeFileSync(keyFile, JSON.stringify({ versions: [{ version: 1, key: TEST_MASTER_KEY, createdAt: new Date().toISOString() }] }));
}, 120_000);
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db?.drop();
});

/** The CLI with the key file (KOE_MASTER_KEY removed) or, when given, that KOE_MASTER_KEY. */
function koe(args: readonly string[], masterKey?: string): Promise<KoeRun> {
  const keys = masterKey ? { KOE_MASTER_KEY: masterKey } : { KOE_MASTER_KEY: undefined, KOE_MASTER_KEY_FILE: keyFile };
  return runKoe(args, { ...koeCliEnv(db.url), ...keys });
}

const fileProvider = (): KeyProvider => keyProviderFor(ROOT, { masterKey: null, masterKeyFile: keyFile }).provider;

async function versionCounts(): Promise<Record<string, number>> {
  const rows = await db.sql(`select kek_version, count(*)::int as n from data_key group by kek_version order by kek_version`);
  return Object.fromEntries((rows as Array<{ kek_version: number; n: number }>).map((r) => [String(r.kek_version), r.n]));
}

/** Every value sealed before the rotations opens with a FieldCrypto built from `provider` alone. */
async function expectSealedReadable(provider: KeyProvider): Promise<void> {
  const fresh = await FieldCrypto.open(db.orm.em.fork(), provider);
  const keys = await fresh.loadKeys(db.orm.em.fork(), [...sealed.keys()]);
  for (const [id, value] of sealed) expect(fresh.decrypt(keys.get(id)!, 'customer', 'email', id, value)).toBe(`${id}@example.com`);
}

describe('koe keys rotate', () => {
  it('re-wraps 10,000 data keys with a new key-file version, retires the old one, and records one audit event', async () => {
    const started = Date.now();
    const run = await koe(['keys', 'rotate', '--batch', '500']);
    const ms = Date.now() - started;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`${KEYS}/${KEYS}`);
    expect(run.stdout).toMatch(/10000 keys re-wrapped from version 1 to 2 .*retired version 1/);
    console.info(`koe keys rotate of ${KEYS} keys: ${ms} ms including CLI start-up (${run.stdout.trim()})`);

    expect(await versionCounts()).toEqual({ '2': KEYS });
    const versions = await kekVersions(db.orm.em.fork());
    expect(versions.map((v) => [v.version, v.state, v.retiredAt !== null])).toEqual([
      [1, 'retired', true],
      [2, 'active', false],
    ]);
    const material = await db.sql(`select kek_version from key_material`);
    expect(material).toEqual([{ kek_version: 2 }]);
    const file = JSON.parse(readFileSync(keyFile, 'utf8')) as { versions: Array<{ version: number }> };
    expect(file.versions.map((v) => v.version)).toEqual([1, 2]);
    await expectSealedReadable(fileProvider());

    const events = (await db.sql(`select action, outcome, actor_id, detail from audit_event where action = 'keys.rotate'`)) as Array<Record<string, unknown>>;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: 'ok', detail: { from: [1], to: 2, rewrapped: KEYS, retired: [1], via: 'cli' } });
    expect(JSON.stringify(events[0])).not.toContain(TEST_MASTER_KEY);
  }, 60_000);

  it('status --json shows each version with the keys it wraps, exit 0 while the KEK is young', async () => {
    const run = await koe(['keys', 'status', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { active: number; rotationDue: boolean; versions: Array<Record<string, unknown>> };
    expect(report.active).toBe(2);
    expect(report.rotationDue).toBe(false);
    expect(report.versions).toMatchObject([
      { version: 1, state: 'retired', dataKeys: 0, keyMaterial: 0, configured: true, fingerprintMatches: true },
      { version: 2, state: 'active', dataKeys: KEYS, keyMaterial: 1, configured: true, fingerprintMatches: true, ageDays: 0 },
    ]);
  }, 30_000);

  // Guards against a crash midway leaving keys on two versions for good, or a rerun adding a version.
  it('resumes a rotation interrupted after its first batch without adding another version', async () => {
    const withV3 = new LocalKeyProvider(new Map([...fileKeys(), [3, V3]]));
    const crash = rotateKeys(db.orm.em.fork(), withV3, {
      batchSize: 1000,
      onProgress: () => {
        throw new Error('simulated crash');
      },
    });
    await expect(crash).rejects.toThrow('simulated crash');
    expect(await versionCounts()).toEqual({ '2': KEYS - 1000, '3': 1000 });
    expect((await kekVersions(db.orm.em.fork())).map((v) => v.state)).toEqual(['retired', 'retiring', 'active']);

    const status = await keyStatus(db.orm.em.fork(), withV3);
    expect(status.rotationUnfinished).toBe(true);

    const progress: number[] = [];
    const result = await rotateKeys(db.orm.em.fork(), withV3, { batchSize: 2000, onProgress: (done) => progress.push(done) });
    expect(result).toEqual({ from: [2], to: 3, rewrapped: KEYS - 1000, retired: [2], resumed: true });
    expect(progress.at(-1)).toBe(KEYS - 1000);
    expect(await versionCounts()).toEqual({ '3': KEYS });
    expect((await kekVersions(db.orm.em.fork())).map((v) => [v.version, v.state])).toEqual([
      [1, 'retired'],
      [2, 'retired'],
      [3, 'active'],
    ]);
    await expectSealedReadable(withV3);

    // Nothing left to do and no newer key: an explanation, and nothing changes.
    await expect(rotateKeys(db.orm.em.fork(), withV3)).rejects.toThrow(RotationError);
    expect(await kekVersions(db.orm.em.fork())).toHaveLength(3);
  }, 60_000);

  it('in env mode without a newer version explains how to add one and changes nothing; an overdue KEK makes status exit 2', async () => {
    const env = `3:${V3.toString('base64')},2:${fileKeys().find(([v]) => v === 2)![1].toString('base64')}`;
    await db.sql(`update kek_version set created_at = now() - interval '200 days' where version = 3`);
    const before = await db.sql(`select * from kek_version order by version`);
    const [rotate, status] = await Promise.all([koe(['keys', 'rotate'], env), koe(['keys', 'status'], env)]);
    expect(rotate.code).toBe(1);
    expect(rotate.stderr).toContain('no key-encryption key newer than the active version 3');
    expect(rotate.stderr).toContain('KOE_MASTER_KEY as "4:<base64');
    expect(await db.sql(`select * from kek_version order by version`)).toEqual(before);
    expect(await versionCounts()).toEqual({ '3': KEYS });

    expect(status.code, status.stderr).toBe(2);
    expect(status.stdout).toMatch(/ROTATION DUE: the active version 3 is 200 days old \(rotation period 90 days\)/);
  }, 60_000);
});

function fileKeys(): Array<[number, Buffer]> {
  const file = JSON.parse(readFileSync(keyFile, 'utf8')) as { versions: Array<{ version: number; key: string }> };
  return file.versions.map((v) => [v.version, Buffer.from(v.key, 'base64')]);
}
