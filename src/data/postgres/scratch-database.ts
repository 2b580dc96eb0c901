// Throw-away databases for test runs: one per run, named <prefix>_<epoch ms>_<random> so that a
// later run can recognise and drop the leftovers of a crashed one by age.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { PgSsl } from './database-url.js';

export interface ScratchDatabase {
  url: string;
  name: string;
  /** idempotent */
  drop(): Promise<void>;
}

const PREFIX = /^[a-z_][a-z0-9_]{0,30}$/;

function checkPrefix(prefix: string): void {
  if (!PREFIX.test(prefix)) throw new Error(`scratch database prefix must match ${PREFIX} (got "${prefix}")`);
}

async function withAdmin<T>(adminUrl: string, ssl: PgSsl, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, ssl, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined); // e.g. server shutting down after we are done
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The admin URL with another database name: same host, user, password and query. */
export function urlForDatabase(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

async function dropDatabase(client: pg.Client, name: string): Promise<void> {
  const version = Number((await client.query<{ v: string }>(`select current_setting('server_version_num') as v`)).rows[0]?.v);
  // Open connections block DROP DATABASE; FORCE (PG 13+) also covers ones that connect meanwhile.
  await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
  await client.query(`drop database if exists ${client.escapeIdentifier(name)}${version >= 130000 ? ' with (force)' : ''}`);
}

export async function createScratchDatabase(
  adminUrl: string,
  prefix = 'koe_test',
  ssl: PgSsl = false,
): Promise<ScratchDatabase> {
  checkPrefix(prefix);
  const name = `${prefix}_${Date.now()}_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, ssl, (c) => c.query(`create database ${c.escapeIdentifier(name)}`));
  let dropping: Promise<void> | undefined;
  return {
    name,
    url: urlForDatabase(adminUrl, name),
    drop: () => (dropping ??= withAdmin(adminUrl, ssl, (c) => dropDatabase(c, name))),
  };
}

/** Drops `<prefix>_<ms>_<hex>` databases created more than `olderThanMs` ago; returns their names. */
export async function dropStaleScratchDatabases(
  adminUrl: string,
  prefix = 'koe_test',
  olderThanMs = 60 * 60 * 1000,
  ssl: PgSsl = false,
): Promise<string[]> {
  checkPrefix(prefix);
  const pattern = new RegExp(`^${prefix}_(\\d{13})_[0-9a-f]+$`);
  return withAdmin(adminUrl, ssl, async (client) => {
    const { rows } = await client.query<{ datname: string }>('select datname from pg_database');
    const stale = rows
      .map((r) => r.datname)
      .filter((name) => Date.now() - Number(pattern.exec(name)?.[1] ?? Date.now()) > olderThanMs);
    for (const name of stale) await dropDatabase(client, name);
    return stale;
  });
}
