import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';
import SpreadBrowserFiles, { BROWSER_PROJECT } from './test/setup/spread-browser-files.js';

const require = createRequire(import.meta.url);

/** The test key ring (test/support/crypto.ts): CLI child processes inherit it, so they open the data the test run sealed. Never the development key file. */
export const TEST_ENV = { KOE_MASTER_KEY: 'a29lLXRlc3QtbWFzdGVyLWtleS1ub3QtZm9yLXByb2Q=' };

/** graphql 16 ships index.js and index.mjs without an exports map; one copy avoids "another realm" errors. */
export const RESOLVE = { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] };

export const CONSOLE_TESTS = ['test/console/**/*.test.ts'];

export default defineConfig({
  resolve: RESOLVE,
  test: {
    pool: 'forks',
    // Three files at a time on two cores: a file spends much of its time waiting on PostgreSQL and on
    // the koe processes it spawns. Each worker has a run database of its own (test/setup/global-setup.ts,
    // test/support/run-database.ts), so files running side by side never see each other's writes.
    maxWorkers: 3,
    env: TEST_ENV,
    hookTimeout: 120_000,
    // One invocation, two projects in one pool (vitest runs projects of one maxWorkers side by side):
    // the browser files no longer wait for the last API file, they are spread among the API files
    // (the sequencer) and run one at a time (the console project's setup file).
    sequence: { sequencer: SpreadBrowserFiles },
    projects: [
      {
        extends: true,
        test: {
          name: 'api',
          include: ['test/**/*.test.ts'],
          exclude: [...CONSOLE_TESTS, '**/node_modules/**'],
          testTimeout: 30_000,
          // A worker keeps its modules from one file to the next: Koe (MikroORM, Apollo, type-graphql,
          // the policies) is imported once per worker instead of once per file. On 20 of the API files
          // (2026-12-05, load 18–30, run side by side with the isolated config) the summed import time
          // fell from 836 s to 336 s and the run from 819 s to 708 s. The price is shared module
          // state, so a file must leave none behind: stubbed variables are unstubbed here, vitest
          // restores spies and vi.setConfig after each file, files that set process.env restore it,
          // and product state that a second server in one process must not see (alert memory,
          // last-seen throttle) is per server.
          isolate: false,
          unstubEnvs: true,
          globalSetup: ['test/setup/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: BROWSER_PROJECT,
          include: CONSOLE_TESTS,
          testTimeout: 60_000,
          setupFiles: ['test/setup/one-browser-at-a-time.ts'],
          globalSetup: ['test/setup/global-setup.ts', 'test/setup/console-build.ts'],
        },
      },
    ],
  },
});
