/** The platform as the benchmarks start it: on the bench database, any free ports, rate limits off, silent. */
import type { PlatformOptions, Platform } from '../../src/server/platform.js';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/server/ops/logger.js';
import { BENCH_PSEUDONYM_KEY, type BenchDb } from './bench-db.js';
import { startUnenforcedPlatform, type LeftOut } from './unenforced.js';

/** As KOE_JWT_SECRET for benchmark servers in processes of their own. */
export const BENCH_JWT_SECRET_TEXT = 'koe-bench-secret-0123456789abcdef0123456789';
export const BENCH_JWT_SECRET = new TextEncoder().encode(BENCH_JWT_SECRET_TEXT);

/** What every benchmark server gets: the bench database and its keys, free ports, no rate limits, no request log. */
export function benchPlatformOptions(db: BenchDb) {
  return {
    // The benchmark's own process: the environment is loaded here, as the CLI loads it for `koe start`.
    config: loadConfig(),
    orm: db.orm,
    crypto: db.crypto,
    jwtSecret: BENCH_JWT_SECRET,
    pseudonymKey: BENCH_PSEUDONYM_KEY,
    ports: { gateway: 0, customers: 0, feedback: 0, audit: 0 },
    // One principal far above any per-minute limit by design.
    limits: { requestsPerMinute: 0, plainReadsPerMinute: 0 },
    logger: silentLogger,
  };
}

/** `leftOut`: enforcement to leave out, for the benchmarks that measure its cost (see unenforced.ts). */
export function startBenchPlatform(db: BenchDb, opts: Pick<PlatformOptions, 'policy'> & Partial<PlatformOptions>, leftOut: LeftOut = {}): Promise<Platform> {
  return startUnenforcedPlatform({ ...benchPlatformOptions(db), ...opts }, leftOut);
}
