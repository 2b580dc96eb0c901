// Values the global setup hands to test files through vitest's provide/inject.
declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of this run's scratch database (fresh per `vitest run`); use with `inject('databaseUrl')` */
    databaseUrl: string;
  }
}

// A module, so the block above augments vitest's ProvidedContext instead of replacing it.
export {};
