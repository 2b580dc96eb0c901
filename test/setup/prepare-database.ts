// Run once per test run on the fresh scratch database, before any test file: the schema from the
// checked-in migrations (as production gets it) and the deterministic demo data set.
import 'reflect-metadata';
import { seedDemoData } from '../../src/data/demo-seed.js';
import { LocalKeyProvider, parseMasterKeyEnv } from '../../src/crypto/index.js';
import { migrateAll } from '../../src/data/migrate.js';
import { openOrm } from '../../src/data/orm.js';

export type PrepareDatabase = (url: string) => Promise<void>;

/** Must match `TEST_PSEUDONYM_KEY` in test/support/koe.ts (kept literal: this runs outside vitest's module graph). */
const PSEUDONYM_KEY = 'koe-test-pseudonym-key';
/** Must match `TEST_MASTER_KEY` in test/support/crypto.ts and the `env` of vitest.config.ts. */
const MASTER_KEY = 'a29lLXRlc3QtbWFzdGVyLWtleS1ub3QtZm9yLXByb2Q=';

export const prepare: PrepareDatabase = async (url) => {
  const orm = await openOrm({ url });
  try {
    const { crypto } = await migrateAll(orm, new LocalKeyProvider(parseMasterKeyEnv(MASTER_KEY)));
    await seedDemoData(orm, PSEUDONYM_KEY, crypto);
  } finally {
    await orm.close(true);
  }
};
