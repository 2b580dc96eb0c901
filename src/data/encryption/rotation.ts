/**
 * KEK rotation: a new key-encryption key version becomes active, every data key (and the wrapped
 * key material) is re-wrapped with it in short batches, and the old version is retired once no row
 * references it. The data keys themselves never change, so no field is re-encrypted and servers'
 * caches stay valid.
 *
 * Guarantees: each batch is its own short transaction (`for update skip locked`, no table lock);
 * the state lives in `kek_version` ('retiring' = rotation under way), so a rerun after a crash at
 * any point resumes instead of adding another version; a version is retired only in a transaction
 * that holds its row and finds no key still wrapped by it.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { dataKeyAad, type KeyProvider } from '../../crypto/index.js';
import { kekVersions, registerKekVersions } from './kek-registry.js';

export interface RotateOptions {
  /** Keys re-wrapped per transaction (default 500). */
  batchSize?: number;
  /** After each committed batch: data keys re-wrapped so far of the total found at the start. */
  onProgress?: (done: number, total: number) => void;
  /**
   * When the provider holds no version newer than the active one: returns a provider that does
   * (the key file can grow one; `KOE_MASTER_KEY` cannot, so env mode passes nothing).
   */
  addVersion?: () => KeyProvider;
}

export interface RotationResult {
  /** The versions keys were moved away from. */
  from: number[];
  to: number;
  /** Data keys re-wrapped (the few wrapped key-material rows are not counted). */
  rewrapped: number;
  /** Versions retired by this run (empty when keys were still locked elsewhere: run again). */
  retired: number[];
  /** True when this run continued an interrupted rotation instead of starting one. */
  resumed: boolean;
}

/** A rotation that cannot start; the message says what to do. */
export class RotationError extends Error {
  override readonly name = 'RotationError';
}

type Row = Record<string, unknown>;

const materialAad = (name: string) => Buffer.from(`koe:key-material:${name}`, 'utf8');
/** Rounds of "re-wrap, then try to retire" when other transactions hold some keys. */
const RETIRE_ATTEMPTS = 5;

export async function rotateKeys(em: EntityManager, providerGiven: KeyProvider, opts: RotateOptions = {}): Promise<RotationResult> {
  const batchSize = opts.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RotationError(`the batch size must be a positive integer (got ${batchSize})`);
  let provider = providerGiven;
  // Checks every configured version against its fingerprint first: a wrong key stops here.
  const active = await registerKekVersions(em, provider);
  const unfinished = await versionsToDrain(em, active);
  const resumed = unfinished.length > 0;
  let to = active;
  if (resumed) {
    // An interrupted rotation, or keys written with an old version just as it was retired.
    await em.fork().transactional(async (tx) => {
      await tx.execute(`update kek_version set state = 'retiring', retired_at = null where version in (${unfinished.map(() => '?').join(', ')}) and state <> 'active'`, unfinished);
    });
  } else {
    if (provider.newestVersion() <= active && opts.addVersion) provider = opts.addVersion();
    to = provider.newestVersion();
    if (to <= active) {
      throw new RotationError(
        `no key-encryption key newer than the active version ${active} is configured: add one to KOE_MASTER_KEY as ` +
          `"${active + 1}:<base64 of 32 random bytes>,${active}:<the current key>" (on every server too), then run koe keys rotate again`,
      );
    }
    await startRotation(em, provider, active, to);
  }
  const from = resumed ? unfinished : [active];
  const total = await countToDrain(em, to);
  let done = 0;
  const retired: number[] = [];
  for (let attempt = 0; attempt < RETIRE_ATTEMPTS; attempt++) {
    await rewrapMaterial(em, provider, to);
    for (;;) {
      const n = await rewrapBatch(em, provider, to, batchSize);
      if (n === 0) break;
      done += n;
      opts.onProgress?.(done, total);
    }
    const pending = (await kekVersions(em)).filter((v) => v.state === 'retiring').map((v) => v.version);
    for (const v of pending) if (await retireIfUnused(em, v)) retired.push(v);
    if (retired.length === pending.length) break;
    await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
  }
  return { from, to, rewrapped: done, retired, resumed };
}

/** Versions other than the active one that still wrap keys, or are marked retiring. */
async function versionsToDrain(em: EntityManager, active: number): Promise<number[]> {
  const out = new Set<number>();
  for (const v of await kekVersions(em)) {
    if (v.version === active) continue;
    if (v.state === 'retiring') out.add(v.version);
    // One index probe per version (data_key is indexed on kek_version, owner_id).
    else if (await keysWrappedBy(em, v.version, true)) out.add(v.version);
  }
  return [...out].sort((a, b) => a - b);
}

async function keysWrappedBy(em: EntityManager, version: number, anyIsEnough = false): Promise<number> {
  const conn = em.getConnection();
  const limit = anyIsEnough ? ' limit 1' : '';
  const [d] = await conn.execute<Row[]>(`select count(*)::int as n from (select 1 from data_key where kek_version = ?${limit}) k`, [version]);
  const [m] = await conn.execute<Row[]>(`select count(*)::int as n from key_material where kek_version = ?`, [version]);
  return Number(d?.n ?? 0) + Number(m?.n ?? 0);
}

async function countToDrain(em: EntityManager, to: number): Promise<number> {
  const [d] = await em.getConnection().execute<Row[]>(`select count(*)::int as n from data_key where kek_version <> ?`, [to]);
  return Number(d?.n ?? 0);
}

/** The switch, in one transaction: from here on servers wrap new data keys with `to`. */
async function startRotation(em: EntityManager, provider: KeyProvider, active: number, to: number): Promise<void> {
  await em.fork().transactional(async (tx) => {
    // Row locks, so two rotations started at once cannot both switch.
    const rows = await tx.execute<Row[]>(`select version, state from kek_version order by version for update`);
    const now = rows.filter((r) => r.state === 'active').map((r) => Number(r.version));
    if (now.length !== 1 || now[0] !== active || rows.some((r) => r.state === 'retiring')) {
      throw new RotationError('another koe keys rotate changed the key versions meanwhile: run it again to resume');
    }
    if (rows.some((r) => Number(r.version) >= to)) throw new RotationError(`key-encryption key version ${to} is already recorded in this database: add a newer version`);
    await tx.execute(`insert into kek_version (version, fingerprint, state) values (?, ?, 'active')`, [to, provider.fingerprint(to)]);
    await tx.execute(`update kek_version set state = 'retiring' where version = ?`, [active]);
  });
}

async function rewrapMaterial(em: EntityManager, provider: KeyProvider, to: number): Promise<number> {
  return em.fork().transactional(async (tx) => {
    const rows = await tx.execute<Row[]>(`select name, wrapped, kek_version from key_material where kek_version <> ? for update skip locked`, [to]);
    for (const r of rows) {
      const name = String(r.name);
      const plain = provider.unwrap({ kekVersion: Number(r.kek_version), wrapped: Buffer.from(String(r.wrapped), 'base64') }, materialAad(name));
      const w = provider.wrap(plain, materialAad(name), to);
      await tx.execute(`update key_material set wrapped = ?, kek_version = ? where name = ?`, [w.wrapped.toString('base64'), to, name]);
    }
    return rows.length;
  });
}

/** One short transaction: lock up to `limit` keys nobody else holds, re-wrap them, commit. */
async function rewrapBatch(em: EntityManager, provider: KeyProvider, to: number, limit: number): Promise<number> {
  return em.fork().transactional(async (tx) => {
    const rows = await tx.execute<Row[]>(
      `select owner_id, wrapped, kek_version from data_key where kek_version <> ? order by owner_id limit ? for update skip locked`,
      [to, limit],
    );
    if (rows.length === 0) return 0;
    const values: unknown[] = [];
    for (const r of rows) {
      const id = String(r.owner_id);
      const aad = dataKeyAad(id);
      const plain = provider.unwrap({ kekVersion: Number(r.kek_version), wrapped: Buffer.from(String(r.wrapped), 'base64') }, aad);
      values.push(id, provider.wrap(plain, aad, to).wrapped.toString('base64'));
      plain.fill(0);
    }
    await tx.execute(
      `update data_key as d set wrapped = v.wrapped, kek_version = ?, rewrapped_at = now()
         from (values ${rows.map(() => '(?::uuid, ?)').join(', ')}) as v(owner_id, wrapped) where d.owner_id = v.owner_id`,
      [to, ...values],
    );
    return rows.length;
  });
}

/**
 * Holding the version's row `for update` waits for inserts that reference it (they take a key-share
 * lock on it) to commit, so the count below sees them: a key written meanwhile keeps it retiring.
 */
async function retireIfUnused(em: EntityManager, version: number): Promise<boolean> {
  return em.fork().transactional(async (tx) => {
    await tx.execute(`select version from kek_version where version = ? for update`, [version]);
    const [d] = await tx.execute<Row[]>(`select count(*)::int as n from (select 1 from data_key where kek_version = ? limit 1) k`, [version]);
    const [m] = await tx.execute<Row[]>(`select count(*)::int as n from key_material where kek_version = ?`, [version]);
    if (Number(d?.n ?? 0) + Number(m?.n ?? 0) > 0) return false;
    await tx.execute(`update kek_version set state = 'retired', retired_at = now() where version = ? and state = 'retiring'`, [version]);
    return true;
  });
}
