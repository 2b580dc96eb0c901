// vitest globalSetup: scratch databases for this test run, one per worker (copies of one migrated and
// seeded database), handed to test files as inject('databaseUrls'); a file takes its worker's with
// runDatabaseUrl() (test/support/run-database.ts). The server is DATABASE_URL, else a local :5432, else
// an embedded PostgreSQL under .koe/pg-test (see src/data/postgres/database-url.ts).
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/config/index.js';
import { createScratchDatabase, dropStaleScratchDatabases, resolveDatabase, type ScratchDatabase } from '../../src/data/postgres/index.js';
import { copyScratchDatabase } from './copy-database.js';
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

/**
 * The tests run `koe` as an operator does (bin/koe.js), which runs the compiled CLI only when it is
 * current and the sources through tsx otherwise (~5 s more per command): build it when stale, ~1 s.
 */
function buildCli(): void {
  execFileSync(process.execPath, ['bin/cli-build.mjs', '--if-stale'], { cwd: projectRoot, stdio: 'inherit' });
}

/** As vitest resolves it: the configured maxWorkers, else all cores but one. */
function workerCount(project: TestProject): number {
  const configured = project.config.maxWorkers || project.globalConfig.maxWorkers;
  return Math.max(1, configured || os.availableParallelism() - 1);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  buildCli();
  const server = await resolveDatabase({ purpose: 'test', projectRoot, log, database: loadConfig().database });
  const scratches: ScratchDatabase[] = [];
  const dropAll = async () => {
    for (const s of scratches) await s.drop();
  };
  try {
    const dropped = await dropStaleScratchDatabases(server.url, PREFIX, STALE_AFTER_MS, server.ssl);
    if (dropped.length > 0) log(`dropped ${dropped.length} stale scratch database(s): ${dropped.join(', ')}`);
    const first = await createScratchDatabase(server.url, PREFIX, server.ssl);
    scratches.push(first);
    const started = Date.now();
    await prepare?.(first.url);
    const prepared = Date.now();
    for (let i = 1; i < workerCount(project); i++) scratches.push(await copyScratchDatabase(server.url, first.name, PREFIX, server.ssl));
    log(
      `scratch databases ${scratches.map((s) => s.name).join(', ')} on ${where(server.url)} (${server.source}; ` +
        `prepared in ${prepared - started} ms, copied in ${Date.now() - prepared} ms)`,
    );
    project.provide('databaseUrls', scratches.map((s) => s.url));
    return async () => {
      try {
        await dropAll();
      } finally {
        await server.stop(); // a no-op unless we started an embedded server
      }
    };
  } catch (err) {
    await dropAll().catch(() => undefined);
    await server.stop();
    throw err;
  }
}
