/**
 * The console's browser tests alone, one file at a time: Debian's chromium driven by playwright-core
 * against a real Koe on the run's scratch database. `npm test` runs them as the `console` project of
 * vitest.config.ts, beside the API files; this config is for working on them
 * (`npx vitest run --config vitest.browser.config.ts test/console/x.test.ts`).
 */
import { defineConfig } from 'vitest/config';
import { CONSOLE_TESTS, RESOLVE, TEST_ENV } from './vitest.config.js';

export default defineConfig({
  resolve: RESOLVE,
  test: {
    include: CONSOLE_TESTS,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    env: TEST_ENV,
    globalSetup: ['test/setup/global-setup.ts', 'test/setup/console-build.ts'],
  },
});
