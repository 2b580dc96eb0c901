import { MikroORM, PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { DATABASE_DEFAULTS, type DatabaseSettings } from '../config/index.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities/index.js';

export interface OrmOptions {
  url: string;
  /** Called with every SQL statement; tests count statements with it. */
  onQuery?: (sql: string) => void;
  /** Connections in the pool (`KOE_DB_POOL_MAX`, default 10: enough for 2 cores). */
  poolMax?: number;
  /** Server-side `statement_timeout` per connection (`KOE_DB_STATEMENT_TIMEOUT_MS`, default 10 s; 0 = none). */
  statementTimeoutMs?: number;
  /** How long a query waits for a pooled connection (`KOE_DB_ACQUIRE_TIMEOUT_MS`, default 5 s). */
  acquireTimeoutMs?: number;
  ssl?: false | { rejectUnauthorized: boolean };
}

/** Opening a connection gives up after this long (a host that drops packets would otherwise hang). */
const CONNECT_TIMEOUT_MS = 5_000;

/** The one place MikroORM is configured, shared by the servers, the CLI and the MikroORM CLI. */
export function ormOptions(opts: OrmOptions): Options {
  return {
    driver: PostgreSqlDriver,
    clientUrl: opts.url,
    entities: ENTITIES,
    extensions: [Migrator],
    // Explicit types on every property: tsx/esbuild emits no decorator metadata.
    discovery: { requireEntitiesArray: true },
    migrations: {
      path: 'migrations',
      pathTs: 'migrations',
      glob: '!(*.d|index).{js,ts}',
      migrationsList: MIGRATIONS,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
    },
    // min 0: after an outage no dead connection lingers in the pool; the next query opens a fresh one.
    // knex rejects an acquire as soon as opening a connection fails (propagateCreateError), so a
    // refused database is reported at once rather than after the acquire timeout.
    pool: {
      min: 0,
      max: opts.poolMax ?? DATABASE_DEFAULTS.poolMax,
      acquireTimeoutMillis: opts.acquireTimeoutMs ?? DATABASE_DEFAULTS.acquireTimeoutMs,
    },
    driverOptions: {
      connection: {
        statement_timeout: opts.statementTimeoutMs ?? DATABASE_DEFAULTS.statementTimeoutMs,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        ...(opts.ssl ? { ssl: opts.ssl } : {}),
      },
    },
    allowGlobalContext: false,
    debug: opts.onQuery ? ['query'] : false,
    logger: opts.onQuery ?? (() => {}),
    colors: false,
  };
}

/** The configured pool for `openOrm({ url, ...poolOptions(config.database) })`. */
export function poolOptions(db: DatabaseSettings): Pick<OrmOptions, 'poolMax' | 'statementTimeoutMs' | 'acquireTimeoutMs'> {
  return { poolMax: db.poolMax, statementTimeoutMs: db.statementTimeoutMs, acquireTimeoutMs: db.acquireTimeoutMs };
}

export async function openOrm(opts: OrmOptions): Promise<MikroORM> {
  return MikroORM.init(ormOptions(opts));
}

export type { MikroORM };
