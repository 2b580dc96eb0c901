/** A scratch database with the demo data set for one benchmark run, dropped afterwards. */
import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { seedDemoData } from '../../src/data/demo-seed.js';
import { migrateUp } from '../../src/data/migrate.js';
import { openOrm, type MikroORM } from '../../src/data/orm.js';
import { createScratchDatabase, resolveDatabase } from '../../src/data/postgres/index.js';

export const BENCH_PSEUDONYM_KEY = 'koe-bench-pseudonym-key';

export interface BenchDb {
  orm: MikroORM;
  /** For baselines that talk to the database without the ORM. */
  url: string;
  close(): Promise<void>;
}

export async function openBenchDb(scale: { customers: number; feedback: number }, log: (l: string) => void): Promise<BenchDb> {
  const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
  const server = await resolveDatabase({ purpose: 'test', projectRoot, log });
  const scratch = await createScratchDatabase(server.url, 'koe_bench', server.ssl);
  const orm = await openOrm({ url: scratch.url, ssl: server.ssl, poolMax: 20 });
  try {
    await migrateUp(orm);
    const t0 = performance.now();
    const seeded = await seedDemoData(orm, BENCH_PSEUDONYM_KEY, scale);
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
    url: scratch.url,
    close: async () => {
      await orm.close(true);
      await scratch.drop();
      await server.stop();
    },
  };
}
