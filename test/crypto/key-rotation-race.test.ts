/**
 * Guards against a data key landing under a retired key-encryption key: `ensureKeys` used to read
 * the active version before its insert, so a key created while a rotation switched versions and
 * retired the old one was wrapped by the retired version (unreadable once that key is dropped from
 * KOE_MASTER_KEY). The interleaving is forced: one connection holds a rotation's transaction open
 * (switch, re-wrap, retire) while `ensureKeys` runs, then commits.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataKeyAad, LocalKeyProvider, parseMasterKeyEnv } from '../../src/crypto/index.js';
import { FieldCrypto } from '../../src/data/encryption/index.js';
import { TEST_MASTER_KEY } from '../support/crypto.js';
import { scratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';

const V2 = randomBytes(32).toString('base64');
const both = new LocalKeyProvider(parseMasterKeyEnv(`2:${V2},1:${TEST_MASTER_KEY}`));
const onlyV2 = new LocalKeyProvider(parseMasterKeyEnv(`2:${V2}`));

let db: ScratchKoeDb;
beforeAll(async () => {
  db = await scratchKoeDb();
  await db.crypto.ensureKeys(db.orm.em.fork(), [randomUUID(), randomUUID()]);
}, 60_000);
afterAll(async () => db?.drop());

/** A rotation from 1 to 2 done by hand in `c`'s open transaction: switch, re-wrap every key, retire 1. */
async function rotateUncommitted(c: pg.Client): Promise<void> {
  await c.query('begin');
  await c.query('select version from kek_version order by version for update');
  await c.query(`insert into kek_version (version, fingerprint, state) values (2, $1, 'active')`, [both.fingerprint(2)]);
  await c.query(`update kek_version set state = 'retiring' where version = 1`);
  const { rows } = await c.query<{ owner_id: string; wrapped: string }>(`select owner_id, wrapped from data_key where kek_version = 1 for update`);
  for (const r of rows) {
    const plain = both.unwrap({ kekVersion: 1, wrapped: Buffer.from(r.wrapped, 'base64') }, dataKeyAad(r.owner_id));
    await c.query(`update data_key set wrapped = $1, kek_version = 2 where owner_id = $2`, [both.wrap(plain, dataKeyAad(r.owner_id), 2).wrapped.toString('base64'), r.owner_id]);
  }
  const material = await c.query<{ name: string; wrapped: string }>(`select name, wrapped from key_material where kek_version = 1 for update`);
  for (const m of material.rows) {
    const aad = Buffer.from(`koe:key-material:${m.name}`, 'utf8');
    const plain = both.unwrap({ kekVersion: 1, wrapped: Buffer.from(m.wrapped, 'base64') }, aad);
    await c.query(`update key_material set wrapped = $1, kek_version = 2 where name = $2`, [both.wrap(plain, aad, 2).wrapped.toString('base64'), m.name]);
  }
  await c.query(`update kek_version set state = 'retired', retired_at = now() where version = 1`);
}

async function waitForLockWait(c: pg.Client): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    const { rows } = await c.query(`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
    if (rows.length) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe('FieldCrypto.ensureKeys during a rotation', () => {
  it('never wraps a new data key with a version the rotation retires', { timeout: 30_000 }, async () => {
    const crypto = await FieldCrypto.open(db.orm.em.fork(), both);
    const rotation = new pg.Client({ connectionString: db.url });
    const watcher = new pg.Client({ connectionString: db.url });
    await rotation.connect();
    await watcher.connect();
    const owner = randomUUID();
    try {
      await rotateUncommitted(rotation);
      const created = crypto.ensureKeys(db.orm.em.fork(), [owner]);
      // ensureKeys must wait for the rotation (either way the key would be wrong without the lock).
      expect(await waitForLockWait(watcher)).toBe(true);
      await rotation.query('commit');
      const key = (await created).get(owner)!;

      const [row] = await db.sql<{ kek_version: number; state: string }>(
        `select d.kek_version, v.state from data_key d join kek_version v on v.version = d.kek_version where d.owner_id = ?`,
        [owner],
      );
      expect(row).toEqual({ kek_version: 2, state: 'active' });
      // The proof that matters: with version 1 gone from the key ring, the key still opens, and is the one handed out.
      const fresh = await FieldCrypto.open(db.orm.em.fork(), onlyV2);
      expect((await fresh.loadKeys(db.orm.em.fork(), [owner])).get(owner)).toEqual(key);
      const [retired] = await db.sql<{ n: number }>(`select count(*)::int as n from data_key where kek_version = 1`);
      expect(retired!.n).toBe(0);
    } finally {
      await rotation.end().catch(() => {});
      await watcher.end();
    }
  });
});
