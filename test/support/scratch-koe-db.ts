/**
 * A database of its own for tests that tamper with audit rows (disable triggers, edit, delete) or change
 * data other test files rely on: created next to the run's database, migrated like production, dropped afterwards.
 */
import 'reflect-metadata';
import pg from 'pg';
import { runDatabaseUrl } from './run-database.js';
import type { Sql } from '../../src/audit/chain-reader.js';
import { migrateUp } from '../../src/data/migrate.js';
import { testCrypto } from './crypto.js';
import { startTestKoe, TEST_PSEUDONYM_KEY, type TestKoe } from './koe.js';
import { seedDemoData } from '../../src/data/demo-seed.js';
import type { DemoOptions } from '../../src/data/seed/demo-data.types.js';
import type { FieldCrypto } from '../../src/data/encryption/index.js';
import { openOrm, type MikroORM } from '../../src/data/orm.js';
import { createScratchDatabase, urlForDatabase } from '../../src/data/postgres/index.js';

export interface ScratchKoeDb {
  url: string;
  orm: MikroORM;
  sql: Sql;
  /** Field encryption on this database with the test key ring. */
  crypto: FieldCrypto;
  /** Runs statements as the connecting (super)user, outside the ORM. */
  superuser(statements: string): Promise<void>;
  drop(): Promise<void>;
}

export async function scratchKoeDb(): Promise<ScratchKoeDb> {
  const adminUrl = urlForDatabase(runDatabaseUrl(), 'postgres');
  const db = await createScratchDatabase(adminUrl, 'koe_test');
  const orm = await openOrm({ url: db.url, poolMax: 4 });
  let crypto: FieldCrypto;
  try {
    await migrateUp(orm);
    crypto = await testCrypto(orm);
  } catch (e) {
    await orm.close(true);
    await db.drop();
    throw e;
  }
  const em = orm.em.fork();
  return {
    url: db.url,
    orm,
    crypto: crypto!,
    sql: (q, params = []) => em.getConnection().execute(q, params),
    superuser: async (statements) => {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        await c.query(statements);
      } finally {
        await c.end();
      }
    },
    drop: async () => {
      await orm.close(true);
      await db.drop();
    },
  };
}

/** A scratch database with the demo data set (`seed`: its sizes; default the full set), sealed with the test keys. */
export async function seededScratchKoeDb(seed?: DemoOptions): Promise<ScratchKoeDb> {
  const db = await scratchKoeDb();
  try {
    await seedDemoData(db.orm, TEST_PSEUDONYM_KEY, db.crypto, seed);
  } catch (e) {
    await db.drop();
    throw e;
  }
  return db;
}

export interface SeededScratchKoe {
  db: ScratchKoeDb;
  /** The platform with the shipped policies, on `db`. */
  koe: TestKoe;
  /** Stops the platform and drops the database. */
  stop(): Promise<void>;
}

/** A seeded scratch database (see seededScratchKoeDb) and a platform serving it. */
export async function seededScratchKoe(seed?: DemoOptions): Promise<SeededScratchKoe> {
  const db = await seededScratchKoeDb(seed);
  let koe: TestKoe;
  try {
    koe = await startTestKoe(undefined, { databaseUrl: db.url });
  } catch (e) {
    await db.drop();
    throw e;
  }
  return {
    db,
    koe,
    stop: async () => {
      await koe.stop();
      await db.drop();
    },
  };
}
