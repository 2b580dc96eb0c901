// vitest globalSetup: one scratch database per test run, handed to test files as
// inject('databaseUrl'). The server is DATABASE_URL, else a local :5432, else an embedded
// PostgreSQL under .koe/pg-test (see src/data/postgres/database-url.ts).
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/config/index.js';
import { createScratchDatabase, dropStaleScratchDatabases, resolveDatabase } from '../../src/data/postgres/index.js';
import { prepare } from './prepare-database.js';

export type { PrepareDatabase } from './prepare-database.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const PREFIX = 'koe_test';
// Scratch databases of crashed or interrupted runs; an hour is far longer than any run.
const STALE_AFTER_MS = 60 * 60 * 1000;
const log = (line: string) => console.log(`[koe test db] ${line}`);
const where = (url: string) => {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}`; // never print the password
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await resolveDatabase({ purpose: 'test', projectRoot, log, database: loadConfig().database });
  try {
    const dropped = await dropStaleScratchDatabases(server.url, PREFIX, STALE_AFTER_MS, server.ssl);
    if (dropped.length > 0) log(`dropped ${dropped.length} stale scratch database(s): ${dropped.join(', ')}`);
    const scratch = await createScratchDatabase(server.url, PREFIX, server.ssl);
    try {
      await prepare?.(scratch.url);
    } catch (err) {
      await scratch.drop();
      throw err;
    }
    log(`scratch database ${scratch.name} on ${where(server.url)} (${server.source})`);
    project.provide('databaseUrl', scratch.url);
    return async () => {
      try {
        await scratch.drop();
      } finally {
        await server.stop(); // a no-op unless we started an embedded server
      }
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
