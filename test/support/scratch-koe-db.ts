/**
 * A database of its own for tests that tamper with audit rows (disable triggers, edit, delete):
 * created next to the run's database, migrated like production, dropped afterwards.
 */
import 'reflect-metadata';
import pg from 'pg';
import { inject } from 'vitest';
import type { Sql } from '../../src/audit/chain-reader.js';
import { migrateUp } from '../../src/data/migrate.js';
import { testCrypto } from './crypto.js';
import type { FieldCrypto } from '../../src/data/crypto/index.js';
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
  const adminUrl = urlForDatabase(inject('databaseUrl'), 'postgres');
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
