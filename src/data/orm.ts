import { MikroORM, PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities/index.js';

export interface OrmOptions {
  url: string;
  /** Called with every SQL statement; tests count statements with it. */
  onQuery?: (sql: string) => void;
  poolMax?: number;
  ssl?: false | { rejectUnauthorized: boolean };
}

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
    pool: { min: 0, max: opts.poolMax ?? 10 },
    driverOptions: opts.ssl ? { connection: { ssl: opts.ssl } } : {},
    allowGlobalContext: false,
    debug: opts.onQuery ? ['query'] : false,
    logger: opts.onQuery ?? (() => {}),
    colors: false,
  };
}

export async function openOrm(opts: OrmOptions): Promise<MikroORM> {
  return MikroORM.init(ormOptions(opts));
}

export type { MikroORM };
