/**
 * Field encryption for the data layer: per-owner data keys (wrapped by the KEK, cached unwrapped
 * with a bound and a time limit), sealing and opening field values, and blind indexes. Every key
 * read is one batched statement; a key that is absent was shredded (or never existed).
 */
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  blindIndex,
  dataKeyAad,
  decryptField,
  encryptField,
  fieldAad,
  isSealedField,
  KEY_BYTES,
  KeyCache,
  type BlindIndexKind,
  type KeyProvider,
} from '../../crypto/index.js';
import { FIELD_CRYPTO_DEFAULTS } from '../../config/index.js';
import { birthYearOf } from './birth-year.js';
import { ENCRYPTED_COLUMNS, type EncryptedTable } from './encrypted-columns.js';
import { registerKekVersions } from './kek-registry.js';

/** Unset: the defaults (`FIELD_CRYPTO_DEFAULTS`); the CLI passes the configured `fieldCrypto`. */
export interface FieldCryptoOptions {
  /** Unwrapped data keys kept in memory (`KOE_KEY_CACHE_SIZE`, default 10,000). */
  keyCacheSize?: number;
  /** How long an unwrapped key may be reused (`KOE_KEY_CACHE_TTL_MS`, default 60 s). */
  keyCacheTtlMs?: number;
  /** Records whose decrypted values are kept in memory (`KOE_VALUE_CACHE_SIZE`, default 20,000; same time limit). */
  valueCacheSize?: number;
}

const BLIND_INDEX_KEY = 'blind_index';
const materialAad = (name: string) => Buffer.from(`koe:key-material:${name}`, 'utf8');

type Row = Record<string, unknown>;

interface OpenedValue {
  readonly table: EncryptedTable;
  readonly column: string;
  readonly stored: string;
  readonly plain: string;
}

export class FieldCrypto {
  private readonly cache: KeyCache<Buffer>;
  /**
   * Opened values by record: per record id, the table, column, ciphertext and plaintext of each
   * value opened, bounded like the keys. Creating an AES-GCM decipher costs ~4 µs, so a 100-row page
   * of six fields would spend ~2.5 ms on it every time. A hit needs the same place and the same
   * ciphertext: a moved or rewritten value misses and is opened (or fails to). Keyed by record, one
   * probe of a large map per row rather than per field (the probes were the cost). Only reached
   * after the owner's key was found: a shredded owner reads as erased.
   */
  private readonly opened: KeyCache<OpenedValue[]>;

  private constructor(
    readonly provider: KeyProvider,
    private readonly blindKey: Buffer,
    opts: FieldCryptoOptions,
  ) {
    const ttl = opts.keyCacheTtlMs ?? FIELD_CRYPTO_DEFAULTS.keyCacheTtlMs;
    this.cache = new KeyCache(opts.keyCacheSize ?? FIELD_CRYPTO_DEFAULTS.keyCacheSize, ttl);
    this.opened = new KeyCache(opts.valueCacheSize ?? FIELD_CRYPTO_DEFAULTS.valueCacheSize, ttl);
  }

  /** Checks the KEKs against the database (wrong master key = clear error) and loads the blind-index key. */
  static async open(em: EntityManager, provider: KeyProvider, opts: FieldCryptoOptions = {}): Promise<FieldCrypto> {
    const active = await registerKekVersions(em, provider);
    const conn = em.getConnection();
    const read = () => conn.execute<Row[]>(`select wrapped, kek_version from key_material where name = ?`, [BLIND_INDEX_KEY]);
    let rows = await read();
    if (rows.length === 0) {
      const wrapped = provider.wrap(randomBytes(KEY_BYTES), materialAad(BLIND_INDEX_KEY), active);
      await conn.execute(`insert into key_material (name, wrapped, kek_version) values (?, ?, ?) on conflict (name) do nothing`, [
        BLIND_INDEX_KEY,
        wrapped.wrapped.toString('base64'),
        wrapped.kekVersion,
      ]);
      rows = await read();
    }
    const row = rows[0]!;
    const blindKey = provider.unwrap({ kekVersion: Number(row.kek_version), wrapped: Buffer.from(String(row.wrapped), 'base64') }, materialAad(BLIND_INDEX_KEY));
    return new FieldCrypto(provider, blindKey, opts);
  }

  /** The unwrapped key when it is in memory: the hot path needs no promise. */
  cachedKey(ownerId: string): Buffer | undefined {
    return this.cache.get(ownerId);
  }

  /**
   * Keys of the given owners; an owner without a key (shredded) is absent from the map. A key that
   * fails to unwrap (a tampered row) is absent too and, when `failures` is given, reported there:
   * one bad row costs its owner's fields, not the page.
   */
  async loadKeys(em: EntityManager, ownerIds: readonly string[], failures?: Map<string, Error>): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    const missing: string[] = [];
    for (const id of ownerIds) {
      const hit = this.cache.get(id);
      if (hit) out.set(id, hit);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    const rows: Row[] = [];
    for (let i = 0; i < missing.length; i += 5000) {
      const chunk = missing.slice(i, i + 5000);
      rows.push(...(await em.getConnection().execute<Row[]>(`select owner_id, wrapped, kek_version from data_key where owner_id in (${chunk.map(() => '?').join(', ')})`, chunk)));
    }
    for (const r of rows) {
      const id = String(r.owner_id);
      let key: Buffer;
      try {
        key = this.provider.unwrap({ kekVersion: Number(r.kek_version), wrapped: Buffer.from(String(r.wrapped), 'base64') }, dataKeyAad(id));
      } catch (e) {
        failures?.set(id, e as Error);
        continue;
      }
      this.cache.set(id, key);
      out.set(id, key);
    }
    return out;
  }

  /**
   * Keys for writing: owners without one get a fresh key wrapped with the active KEK version,
   * except owners whose key was shredded: they stay absent, and the caller refuses the write.
   */
  async ensureKeys(em: EntityManager, ownerIds: readonly string[]): Promise<Map<string, Buffer>> {
    const unique = [...new Set(ownerIds)];
    // Read before the cache: another process (an erasure served elsewhere) may have shredded an
    // owner whose key this one still holds, and a write must never seal under a destroyed key.
    const shredded = new Set<string>();
    for (let i = 0; i < unique.length; i += 5000) {
      const chunk = unique.slice(i, i + 5000);
      const rows = await em.getConnection().execute<Row[]>(`select owner_id from shredded_owner where owner_id in (${chunk.map(() => '?').join(', ')})`, chunk);
      for (const r of rows) shredded.add(String(r.owner_id));
    }
    for (const id of shredded) this.cache.delete(id);
    const live = unique.filter((id) => !shredded.has(id));
    const have = await this.loadKeys(em, live);
    const lacking = live.filter((id) => !have.has(id));
    if (lacking.length === 0) return have;
    const created = await this.createKeys(em, lacking);
    for (const [id, key] of created) have.set(id, key);
    return have;
  }

  /**
   * New data keys under the active KEK version. The version is read `for share` in the transaction
   * that inserts the keys: a rotation's switch (`for update` on every version row) waits for it to
   * commit, and it waits for a switch under way, so a key is never wrapped by a version that a
   * concurrent rotation has already moved away from (and could retire before the key lands).
   * Inside the caller's transaction when there is one (a savepoint), so a key of a write that rolls
   * back is rolled back with it. Keys read back here are not cached: they may not be committed yet.
   */
  private async createKeys(em: EntityManager, owners: readonly string[]): Promise<Map<string, Buffer>> {
    return em.transactional(async (tx) => {
      const version = await lockActiveKekVersion(tx);
      const out = new Map<string, Buffer>();
      // Chunked: PostgreSQL takes at most 65,535 parameters per statement.
      for (let i = 0; i < owners.length; i += 1000) {
        const chunk = owners.slice(i, i + 1000);
        const fresh = new Map<string, Buffer>();
        const values: unknown[] = [];
        for (const id of chunk) {
          const key = randomBytes(KEY_BYTES);
          fresh.set(id, key);
          const w = this.provider.wrap(key, dataKeyAad(id), version);
          values.push(id, w.wrapped.toString('base64'), w.kekVersion);
        }
        const placeholders = chunk.map(() => '(?::uuid, ?, ?)').join(', ');
        // Two writers creating the same owner's key at once: the first wins, the second reads it back.
        const inserted = await tx.execute<Row[]>(`insert into data_key (owner_id, wrapped, kek_version) values ${placeholders} on conflict (owner_id) do nothing returning owner_id`, values);
        for (const r of inserted) out.set(String(r.owner_id), fresh.get(String(r.owner_id))!);
        const lost = chunk.filter((id) => !out.has(id));
        if (lost.length) {
          const rows = await tx.execute<Row[]>(`select owner_id, wrapped, kek_version from data_key where owner_id in (${lost.map(() => '?').join(', ')})`, lost);
          for (const r of rows) {
            const id = String(r.owner_id);
            out.set(id, this.provider.unwrap({ kekVersion: Number(r.kek_version), wrapped: Buffer.from(String(r.wrapped), 'base64') }, dataKeyAad(id)));
          }
        }
      }
      return out;
    });
  }


  /**
   * Crypto-shredding: the owner's key is deleted, so every ciphertext under it is unreadable for good.
   * Through `em`, so inside the caller's transaction: an erasure whose audit event fails keeps its key.
   */
  async shred(em: EntityManager, ownerId: string): Promise<boolean> {
    this.cache.delete(ownerId);
    await em.execute(`insert into shredded_owner (owner_id) values (?) on conflict (owner_id) do nothing`, [ownerId]);
    const res = await em.execute<{ affectedRows?: number }>(`delete from data_key where owner_id = ?`, [ownerId], 'run');
    return (res.affectedRows ?? 0) > 0;
  }

  /** Drops one owner's unwrapped key from memory (after its row was deleted in a transaction elsewhere). */
  evict(ownerId: string): void {
    this.cache.delete(ownerId);
  }

  /** Drops every unwrapped key held in memory (after a rotation or a shred done elsewhere). */
  forgetAll(): void {
    this.cache.clear();
    this.opened.clear();
  }

  encrypt(key: Uint8Array, table: EncryptedTable, column: string, recordId: string, value: string | null): string | null {
    return value === null ? null : encryptField(key, value, fieldAad(table, column, recordId));
  }

  /** Values written before encryption existed (not yet migrated) are returned as they are. */
  decrypt(key: Uint8Array, table: EncryptedTable, column: string, recordId: string, stored: string | null): string | null {
    if (stored === null) return null;
    const values = this.opened.get(recordId);
    let at = -1;
    if (values) {
      // A loop, not findIndex: this runs per decrypted field, and a closure per call is garbage.
      for (let i = 0; i < values.length && at < 0; i++) if (values[i]!.column === column && values[i]!.table === table) at = i;
      // Only sealed values are ever remembered, so a hit needs no format check.
      if (at >= 0 && values[at]!.stored === stored) return values[at]!.plain;
    }
    if (!isSealedField(stored)) return stored;
    const plain = decryptField(key, stored, fieldAad(table, column, recordId));
    const opened: OpenedValue = { table, column, stored, plain };
    if (!values) this.opened.set(recordId, [opened]);
    else if (at >= 0) values[at] = opened;
    else values.push(opened);
    return plain;
  }

  blind(kind: BlindIndexKind, value: string): string {
    return blindIndex(this.blindKey, kind, value);
  }

  /**
   * Seals the encrypted properties of one row object in place (entity property names), leaving
   * values that are already sealed alone, and sets the customer's blind indexes and birth year
   * (age bands) from the plaintext.
   */
  sealRow<T extends Row>(key: Uint8Array, table: EncryptedTable, recordId: string, row: T): T {
    const r = row as Row;
    if (table === 'customer') {
      if (typeof r.email === 'string' && !isSealedField(r.email)) r.emailBidx = this.blind('email', r.email);
      if (typeof r.phone === 'string' && !isSealedField(r.phone)) r.phoneBidx = this.blind('phone', r.phone);
      if (typeof r.name === 'string' && !isSealedField(r.name)) r.nameBidx = this.blind('name', r.name);
      if (typeof r.birthDate === 'string' && !isSealedField(r.birthDate)) r.birthYear = birthYearOf(r.birthDate);
    }
    for (const [property, column] of Object.entries(ENCRYPTED_COLUMNS[table])) {
      const v = r[property];
      if (typeof v === 'string' && !isSealedField(v)) r[property] = this.encrypt(key, table, column, recordId, v);
    }
    return row;
  }
}

/**
 * The active KEK version, its row locked `for share` until `tx` ends. A rotation's switch committed
 * while this waited leaves the old row no longer active and the new one outside this statement's
 * snapshot (READ COMMITTED): read again.
 */
async function lockActiveKekVersion(tx: EntityManager): Promise<number> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const rows = await tx.execute<Row[]>(`select version from kek_version where state = 'active' for share`);
    if (rows.length === 1) return Number(rows[0]!.version);
    if (rows.length > 1) break;
  }
  throw new Error('expected one active key-encryption key version');
}

/** For reports: a writer wrapping keys must use the locked read above, or race a rotation. */
export async function activeKekVersion(em: EntityManager): Promise<number> {
  const rows = await em.getConnection().execute<Row[]>(`select version from kek_version where state = 'active'`);
  if (rows.length !== 1) throw new Error(`expected one active key-encryption key version, found ${rows.length}`);
  return Number(rows[0]!.version);
}
