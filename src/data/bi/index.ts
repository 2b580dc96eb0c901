/** `koe bi`: a PostgreSQL schema holding what one role reads through GraphQL (docs/bi.md). */
export { biScrub, biScrubDisposed } from './bi-scrub.js';
export { type BiAggregate, type BiAggregateColumn, type BiAggregateSet, type BiAggregateSource } from './bi-aggregates.js';
export { biSync, DEFAULT_BI_BATCH, DEFAULT_BI_ROLE, DEFAULT_BI_SCHEMA, type BiBatch, type BiSyncOptions, type BiSyncResult } from './bi-sync.js';
export { biConnectionString, grantBiReader, DEFAULT_BI_LOGIN, type BiGrant } from './bi-grant.js';
export { sqlName } from './bi-tables.js';
