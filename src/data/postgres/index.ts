// Where Koe's PostgreSQL comes from: DATABASE_URL, a local server (tests) or an embedded one.
export { startEmbeddedPostgres, DEFAULT_EMBEDDED_PORT, type EmbeddedHandle, type EmbeddedOptions } from './embedded.js';
export { resolveDatabase, pgSslOption, type DatabaseSource, type PgSsl, type ResolvedDatabase } from './database-url.js';
export {
  createScratchDatabase,
  dropStaleScratchDatabases,
  urlForDatabase,
  type ScratchDatabase,
} from './scratch-database.js';
