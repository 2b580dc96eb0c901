/**
 * Koe as `koe start` runs it by default: each server in processes of its own (node:cluster workers,
 * `workers` per server), or with `--together` (`workers` processes each running every server), on the bench database with the bench keys; this benchmark process is the
 * primary. Rate limits off and silent, as the in-process bench platform.
 */
import { loadConfig } from '../../src/config/index.js';
import { startServerProcesses, type ServerProcesses } from '../../src/cli/commands/start/server-processes.js';
import { BENCH_MASTER_KEY, BENCH_PSEUDONYM_KEY, type BenchDb } from './bench-db.js';
import { BENCH_JWT_SECRET_TEXT } from './platform.js';

/** `together`: every server in each worker (`koe start --together`). */
export async function startSplitPlatform(db: BenchDb, policyVersion: string, workers: number, log: (l: string) => void, together = false): Promise<ServerProcesses> {
  const env = {
    DATABASE_URL: db.url,
    KOE_JWT_SECRET: BENCH_JWT_SECRET_TEXT,
    KOE_PSEUDONYM_KEY: BENCH_PSEUDONYM_KEY,
    KOE_MASTER_KEY: BENCH_MASTER_KEY,
    KOE_RATE_LIMIT_REQUESTS: '0',
    KOE_RATE_LIMIT_PLAIN_READS: '0',
    LOG_LEVEL: 'silent',
    NODE_ENV: process.env.NODE_ENV ?? 'production',
  };
  const config = loadConfig({ ...process.env, ...env, PORT: '0' });
  return startServerProcesses({ config, host: '127.0.0.1', workers, together, policyVersion, env, log });
}
