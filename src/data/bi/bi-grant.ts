/**
 * The login role a BI tool connects as: USAGE on the BI schema and SELECT on its tables (now and
 * as rebuilt, through default privileges), nothing else. Koe's own tables, the audit chain and the
 * keys are granted to no one but Koe's roles, so this role reads none of them; it owns nothing,
 * creates nothing and cannot write.
 */
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlName } from './bi-tables.js';

export const DEFAULT_BI_LOGIN = 'koe_bi_reader';

export interface BiGrant {
  login: string;
  password: string;
  /** Whether the password was generated here (to be shown once; it is stored only as PostgreSQL's hash). */
  generated: boolean;
  created: boolean;
}

export async function grantBiReader(em: EntityManager, opts: { schema: string; login: string; password: string | null }): Promise<BiGrant> {
  const schema = sqlName('schema', opts.schema);
  const login = sqlName('login role', opts.login);
  const password = opts.password ?? randomBytes(24).toString('base64url');
  return em.transactional(async (tx) => {
    const exists = (await tx.execute<Array<{ n: number }>>(`select count(*)::int as n from pg_roles where rolname = ?`, [opts.login]))[0]!.n > 0;
    // The password is a literal in DDL (no bind parameters there): format('%L') quotes it.
    const [{ sql }] = await tx.execute<Array<{ sql: string }>>(
      `select format(?, ?::text, ?::text) as sql`,
      [exists ? 'alter role %I with login password %L' : 'create role %I with login nosuperuser nocreatedb nocreaterole noinherit password %L', opts.login, password],
    ) as [{ sql: string }];
    await tx.execute(sql);
    await tx.execute(`create schema if not exists ${schema}`);
    await tx.execute(`revoke all on schema public from ${login}`);
    await tx.execute(`grant usage on schema ${schema} to ${login}`);
    await tx.execute(`grant select on all tables in schema ${schema} to ${login}`);
    await tx.execute(`alter default privileges in schema ${schema} grant select on tables to ${login}`);
    return { login: opts.login, password, generated: opts.password === null, created: !exists };
  });
}

/** The connection string a BI tool pastes: the database Koe uses, as the login role. */
export function biConnectionString(databaseUrl: string, login: string, password: string): string {
  const url = new URL(databaseUrl);
  url.username = encodeURIComponent(login);
  url.password = encodeURIComponent(password);
  return url.toString();
}
