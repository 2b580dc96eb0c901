// Which PostgreSQL Koe talks to: DATABASE_URL if set; for tests a local server on :5432 if one
// answers (CI has one); otherwise the embedded one under <projectRoot>/.koe (KOE_PG_DIR moves it).
import { userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { DatabaseSettings } from '../../config/index.js';
import { startEmbeddedPostgres } from './embedded.js';
import { superviseEmbeddedPostgres } from './supervisor.js';

export type DatabaseSource = 'env' | 'local' | 'embedded';
export type PgSsl = false | { rejectUnauthorized: boolean };

export interface ResolvedDatabase {
  url: string;
  stop(): Promise<void>;
  source: DatabaseSource;
  /** the `ssl` option for pg / MikroORM driverOptions: pgSslOption() for env, else false */
  ssl: PgSsl;
}

/**
 * `ssl` option for pg from DATABASE_SSL (validated by the configuration): `require` = TLS without
 * certificate check, `verify-full` = TLS with it, null (unset or `disable`) = none. Use it instead
 * of `sslmode` in the URL: pg lets a URL's sslmode override this option, and pg 8 treats
 * sslmode=require as verify-full.
 */
export function pgSslOption(mode: DatabaseSettings['ssl']): PgSsl {
  if (mode === null) return false;
  return { rejectUnauthorized: mode === 'verify-full' };
}

const LOCAL = { host: '127.0.0.1', port: 5432, database: 'postgres' };

/** A URL for the local :5432 server if it answers without a password to a role that may create
 * databases (the scratch databases need that), else null. */
async function probeLocal(): Promise<string | null> {
  for (const user of [...new Set(['postgres', userInfo().username])]) {
    const client = new pg.Client({ ...LOCAL, user, connectionTimeoutMillis: 1000, query_timeout: 1000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const { rows } = await client.query<{ ok: boolean }>(
        'select rolsuper or rolcreatedb as ok from pg_roles where rolname = current_user',
      );
      if (rows[0]?.ok) return `postgres://${encodeURIComponent(user)}@${LOCAL.host}:${LOCAL.port}/${LOCAL.database}`;
    } catch {
      // not running, needs a password, or no such role: try the next user
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return null;
}

export async function resolveDatabase(opts: {
  purpose: 'dev' | 'test';
  projectRoot: string;
  log?: (line: string) => void;
  /**
   * Who asks for the embedded server: `server` (`koe start`) keeps it running and restarts it when
   * it dies; `tool` (every other command) never stops a server another process owns or uses;
   * default: plain start/stop (tests).
   */
  role?: 'server' | 'tool';
  /** The configured DATABASE_URL, DATABASE_SSL and KOE_PG_DIR. */
  database: Pick<DatabaseSettings, 'url' | 'ssl' | 'pgDir'>;
}): Promise<ResolvedDatabase> {
  const log = opts.log ?? (() => undefined);
  const envUrl = opts.database.url;
  if (envUrl) {
    const ssl = pgSslOption(opts.database.ssl);
    let url = envUrl;
    if (ssl && /[?&]sslmode=/.test(envUrl)) {
      const parsed = new URL(envUrl);
      parsed.searchParams.delete('sslmode'); // it would override DATABASE_SSL (see pgSslOption)
      url = parsed.toString();
      log('DATABASE_SSL is set: ignoring sslmode in DATABASE_URL');
    }
    return { url, source: 'env', ssl, stop: async () => undefined };
  }
  if (opts.purpose === 'test') {
    const local = await probeLocal();
    if (local) {
      log(`using the local PostgreSQL at ${LOCAL.host}:${LOCAL.port} as ${new URL(local).username}`);
      return { url: local, source: 'local', ssl: false, stop: async () => undefined };
    }
  }
  // `npm start` always uses its own embedded server when DATABASE_URL is unset (the contract),
  // even if a local one exists: dev data then never mixes with another project's.
  const dataDir = opts.database.pgDir ?? path.join(opts.projectRoot, '.koe', opts.purpose === 'dev' ? 'pg' : 'pg-test');
  const handle =
    opts.role === 'server'
      ? await superviseEmbeddedPostgres({ dataDir, log })
      : await startEmbeddedPostgres({ dataDir, log, tool: opts.role === 'tool' });
  return { url: handle.url, source: 'embedded', ssl: false, stop: () => handle.stop() };
}
