/**
 * The unit project: tests of the pure modules (policies, maskers and the detector, crypto, cursors,
 * canonical encoding) that need no PostgreSQL, so no globalSetup. `npm run test:unit` runs it in
 * seconds and StrykerJS (`npm run mutate`) runs it once per mutant. `npm test` (vitest.config.ts)
 * still runs every file, these included.
 */
import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export const UNIT_TESTS = [
  'test/policies/**/*.test.ts',
  'test/crypto/crypto-units.test.ts',
  'test/crypto/key-policy.test.ts',
  'test/crypto/*.unit.test.ts',
  'test/auth/api-key.test.ts',
  'test/audit/request-event.test.ts',
  'test/audit/*.unit.test.ts',
  'test/resolvers/*.unit.test.ts',
  'test/server/*.unit.test.ts',
];

export default defineConfig({
  resolve: {
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: UNIT_TESTS,
    testTimeout: 30_000,
    pool: 'forks',
  },
});
