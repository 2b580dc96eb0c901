/**
 * The console's browser tests: Debian's chromium driven by playwright-core against a real Koe on the
 * run's scratch database. A separate project so `npm test` runs them after the API suite.
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  resolve: base.resolve,
  test: {
    include: ['test/console/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One browser at a time: the machines are small and the screens share one Koe.
    fileParallelism: false,
    env: base.test?.env,
    globalSetup: ['test/setup/global-setup.ts', 'test/setup/console-build.ts'],
  },
});
