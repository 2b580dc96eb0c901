// Values the global setup hands to test files through vitest's provide/inject.
declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * This run's scratch databases (fresh per `vitest run`), one per worker; a test file takes its
     * worker's with `runDatabaseUrl()` (test/support/run-database.ts).
     */
    databaseUrls: string[];
  }
}

// A module, so the block above augments vitest's ProvidedContext instead of replacing it.
export {};
