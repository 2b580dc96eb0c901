/**
 * The run's database for this test file. The global setup prepares one per worker (vitest.config.ts
 * `maxWorkers`), all copies of the same migrated and seeded database: files that run side by side never
 * see each other's writes (a grant, a submitted feedback, audit rows), and files of one worker run one
 * after another on theirs, as they did with a single worker.
 */
import { inject } from 'vitest';

export function runDatabaseUrl(): string {
  const urls = inject('databaseUrls');
  // 1 … maxWorkers, unique among the workers running at the same time.
  const slot = Number.parseInt(process.env.VITEST_POOL_ID ?? '1', 10);
  const url = urls[slot - 1];
  if (!url) throw new Error(`no run database for worker ${slot} (${urls.length} prepared): set maxWorkers in vitest.config.ts`);
  return url;
}
