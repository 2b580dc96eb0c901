import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships index.js and index.mjs without an exports map; one copy avoids "another realm" errors.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // The browser tests run in their own project (vitest.browser.config.ts).
    exclude: ['test/console/**', '**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Three files at a time on two cores: a file spends much of its time waiting on PostgreSQL and on
    // the koe processes it spawns (130 files: 6 min 35 s with 3 workers, about 9 min with 2 on
    // 2026-12-05). Each worker has a run database of its own (test/setup/global-setup.ts,
    // test/support/run-database.ts), so files running side by side never see each other's writes.
    maxWorkers: 3,
    // The test key ring (test/support/crypto.ts): CLI child processes inherit it, so they open the
    // data the test run sealed. Never the development key file.
    env: { KOE_MASTER_KEY: 'a29lLXRlc3QtbWFzdGVyLWtleS1ub3QtZm9yLXByb2Q=' },
    globalSetup: ['test/setup/global-setup.ts'],
  },
});
