/**
 * What `koe keys status` reports: every KEK version the database knows, how many keys each wraps,
 * whether this process holds it (by fingerprint, never by key), and whether the active version is
 * older than the rotation period of the policy files.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { KeyProvider } from '../../crypto/index.js';
import { kekVersions, type KekVersionRow } from './kek-registry.js';

export const DEFAULT_ROTATION_MAX_AGE_DAYS = 90;

export interface KekVersionStatus {
  version: number;
  state: KekVersionRow['state'];
  createdAt: Date;
  retiredAt: Date | null;
  ageDays: number;
  dataKeys: number;
  keyMaterial: number;
  /** The provider holds this version. */
  configured: boolean;
  /** The configured key is the one the database recorded (null when not configured). */
  fingerprintMatches: boolean | null;
}

export interface KeyStatusReport {
  versions: KekVersionStatus[];
  active: number | null;
  maxAgeDays: number;
  /** The active version is older than `maxAgeDays`: time to run `koe keys rotate`. */
  rotationDue: boolean;
  /** A rotation was interrupted (some version is still retiring): run `koe keys rotate` to finish it. */
  rotationUnfinished: boolean;
  /** Problems that need an operator: keys on a retired version, a wrong or missing key. */
  problems: string[];
}

const DAY_MS = 86_400_000;

export async function keyStatus(
  em: EntityManager,
  provider: KeyProvider,
  opts: { maxAgeDays?: number; now?: Date } = {},
): Promise<KeyStatusReport> {
  const maxAgeDays = opts.maxAgeDays ?? DEFAULT_ROTATION_MAX_AGE_DAYS;
  const now = opts.now ?? new Date();
  const conn = em.getConnection();
  const count = async (table: 'data_key' | 'key_material') =>
    new Map(
      (await conn.execute<Array<Record<string, unknown>>>(`select kek_version, count(*)::int as n from ${table} group by kek_version`)).map((r) => [
        Number(r.kek_version),
        Number(r.n),
      ]),
    );
  const [dataKeys, material] = [await count('data_key'), await count('key_material')];
  const held = new Set(provider.versions());
  const problems: string[] = [];
  const versions = (await kekVersions(em)).map((row): KekVersionStatus => {
    const configured = held.has(row.version);
    const fingerprintMatches = configured ? provider.fingerprint(row.version) === row.fingerprint : null;
    const s: KekVersionStatus = {
      version: row.version,
      state: row.state,
      createdAt: row.createdAt,
      retiredAt: row.retiredAt,
      ageDays: Math.floor((now.getTime() - row.createdAt.getTime()) / DAY_MS),
      dataKeys: dataKeys.get(row.version) ?? 0,
      keyMaterial: material.get(row.version) ?? 0,
      configured,
      fingerprintMatches,
    };
    const wraps = s.dataKeys + s.keyMaterial;
    if (fingerprintMatches === false) problems.push(`version ${row.version}: the configured key is not the one this database recorded (fingerprint mismatch)`);
    if (!configured && row.state !== 'retired') problems.push(`version ${row.version} (${row.state}) is not configured: keys it wraps cannot be read`);
    if (row.state === 'retired' && wraps > 0) problems.push(`version ${row.version} is retired but still wraps ${wraps} keys: run koe keys rotate`);
    return s;
  });
  const active = versions.find((v) => v.state === 'active') ?? null;
  return {
    versions,
    active: active?.version ?? null,
    maxAgeDays,
    rotationDue: active !== null && active.ageDays >= maxAgeDays,
    rotationUnfinished: versions.some((v) => v.state === 'retiring'),
    problems,
  };
}
