/**
 * The database records which KEK versions exist (with a fingerprint, never the key) and which one
 * is active. At start-up the configured keys are checked against it, so a wrong or missing master
 * key stops Koe with a clear message instead of writing data no one can read later.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { KeyProvider } from '../../crypto/index.js';

export interface KekVersionRow {
  version: number;
  fingerprint: string;
  state: 'active' | 'retiring' | 'retired';
  createdAt: Date;
  retiredAt: Date | null;
}

export async function kekVersions(em: EntityManager): Promise<KekVersionRow[]> {
  const rows = await em
    .getConnection()
    .execute<Array<Record<string, unknown>>>(`select version, fingerprint, state, created_at, retired_at from kek_version order by version`);
  return rows.map((r) => ({
    version: Number(r.version),
    fingerprint: String(r.fingerprint),
    state: r.state as KekVersionRow['state'],
    createdAt: new Date(r.created_at as string),
    retiredAt: r.retired_at ? new Date(r.retired_at as string) : null,
  }));
}

/** Registers the first version on an empty database and checks the rest; returns the active version. */
export async function registerKekVersions(em: EntityManager, provider: KeyProvider): Promise<number> {
  const conn = em.getConnection();
  let rows = await kekVersions(em);
  if (rows.length === 0) {
    const v = provider.newestVersion();
    await conn.execute(`insert into kek_version (version, fingerprint, state) values (?, ?, 'active') on conflict (version) do nothing`, [v, provider.fingerprint(v)]);
    rows = await kekVersions(em);
  }
  const have = new Set(provider.versions());
  for (const row of rows) {
    if (row.state === 'retired') continue;
    if (!have.has(row.version)) {
      throw new Error(
        `Key-encryption key version ${row.version} (${row.state}) wraps data keys but is not configured: ` +
          `set KOE_MASTER_KEY to include "${row.version}:<base64>", or use the key file that holds it`,
      );
    }
    if (provider.fingerprint(row.version) !== row.fingerprint) {
      throw new Error(`The configured key-encryption key version ${row.version} is not the one this database was encrypted with (fingerprint mismatch)`);
    }
  }
  const active = rows.filter((r) => r.state === 'active');
  if (active.length !== 1) throw new Error(`expected one active key-encryption key version, found ${active.length}`);
  return active[0]!.version;
}
