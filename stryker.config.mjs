// @ts-check
/**
 * Mutation testing of the pure modules (`npm run mutate`; not part of `npm test`): the policy
 * engine (loading, conditions and their SQL translation, abilities, maskers and the PII detector),
 * field encryption and blind indexes, cursors and the audit's canonical encoding. Each mutant is
 * judged by the unit project (vitest.unit.config.ts), which needs no PostgreSQL. The
 * database-backed mechanisms are guarded by the end-to-end tests listed in test/README.md.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const config = {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.unit.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  coverageAnalysis: 'perTest',
  // Module-level constants (the policy file schema, the detector's patterns, tables) are static
  // mutants: each would rerun the whole project. They are covered by the loading and masking
  // tables anyway; skip them to keep a run within an hour on two cores.
  ignoreStatic: true,
  // The machine this runs on is shared; more than two runners buys nothing on two cores.
  concurrency: 2,
  mutate: [
    'src/policies/**/*.ts',
    'src/crypto/**/*.ts',
    'src/resolvers/pagination.ts',
    'src/request/cursors.ts',
    'src/audit/canonical.ts',
  ],
  // Only what the unit project loads: the sandbox copy stays small. Other runs' sandboxes too (a
  // narrowed run with its own tempDirName): copying one while it changes fails the run.
  ignorePatterns: ['/bench', '/docs', '/examples', '/schema', '/coverage', '/reports', '/.koe', '/bin', '/.stryker-tmp-*'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
  timeoutMS: 10_000,
  // The dry run executes the whole unit project once; under load (~35 on two shared cores) that
  // took longer than Stryker's default 5 minutes (test/README.md), failing the run before a mutant.
  dryRunTimeoutMinutes: 20,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
export default config;
