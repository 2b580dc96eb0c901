/** A scratch database with the demo data set for one benchmark run, dropped afterwards. */
import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/index.js';
import { LocalKeyProvider, parseMasterKeyEnv } from '../../src/crypto/index.js';
import type { FieldCrypto } from '../../src/data/encryption/index.js';
import { seedDemoData } from '../../src/data/demo-seed.js';
import { migrateAll } from '../../src/data/migrate.js';
import { openOrm, type MikroORM } from '../../src/data/orm.js';
import { createScratchDatabase, dropStaleScratchDatabases, resolveDatabase } from '../../src/data/postgres/index.js';

export const BENCH_PSEUDONYM_KEY = 'koe-bench-pseudonym-key';
/** The scratch database's key-encryption key: base64 of 32 fixed bytes, not a secret (the data is generated and dropped). */
export const BENCH_MASTER_KEY = 'a29lLWJlbmNoLW1hc3Rlci1rZXktbm90LXNlY3JldCE=';

export interface BenchDb {
  orm: MikroORM;
  /** Field encryption opened on the scratch database: hand it to everything started on it. */
  crypto: FieldCrypto;
  /** For baselines that talk to the database without the ORM. */
  url: string;
  close(): Promise<void>;
}

export async function openBenchDb(scale: { customers: number; feedback: number }, log: (l: string) => void): Promise<BenchDb> {
  const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
  const server = await resolveDatabase({ purpose: 'test', projectRoot, log, database: loadConfig().database });
  // A benchmark killed mid-run leaves its database behind; left there, it slows every later run.
  const stale = await dropStaleScratchDatabases(server.url, 'koe_bench', 60 * 60 * 1000, server.ssl);
  if (stale.length) log(`dropped ${stale.length} benchmark database(s) left by earlier runs`);
  const scratch = await createScratchDatabase(server.url, 'koe_bench', server.ssl);
  const orm = await openOrm({ url: scratch.url, ssl: server.ssl, poolMax: 20 });
  let crypto: FieldCrypto;
  try {
    ({ crypto } = await migrateAll(orm, new LocalKeyProvider(parseMasterKeyEnv(BENCH_MASTER_KEY))));
    const t0 = performance.now();
    const seeded = await seedDemoData(orm, BENCH_PSEUDONYM_KEY, crypto, scale);
    log(`seeded ${JSON.stringify(seeded.counts)} in ${Math.round(performance.now() - t0)} ms`);
    await orm.em.getConnection().execute('analyze');
  } catch (e) {
    await orm.close(true);
    await scratch.drop();
    await server.stop();
    throw e;
  }
  return {
    orm,
    crypto,
    url: scratch.url,
    close: async () => {
      await orm.close(true);
      await scratch.drop();
      await server.stop();
    },
  };
}
