/**
 * Setup file of the console project: one browser file at a time in a run, as on the small CI
 * machines, though they share the pool with the API files (test/setup/spread-browser-files.ts).
 * A PostgreSQL advisory lock on the run's first console database: released when its session ends,
 * so a crashed file never leaves it held, and other runs (other databases) never wait on it.
 */
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';

/** An arbitrary key for this lock, fixed so every file of the run takes the same one. */
const BROWSER_LOCK = 0x6b6f6562; // "koeb"

let session: pg.Client | undefined;

// The wait is for the other browser files of the run (three today), not for this one: rare with the
// spread, and bounded by their run time, long as it is on a loaded machine.
beforeAll(async () => {
  const [url] = inject('databaseUrls');
  session = new pg.Client({ connectionString: url });
  await session.connect();
  await session.query('select pg_advisory_lock($1)', [BROWSER_LOCK]);
}, 30 * 60_000);

afterAll(async () => {
  await session?.end();
});
