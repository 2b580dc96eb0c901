import type { MikroORM } from '@mikro-orm/postgresql';
import type { KeyProvider } from '../crypto/index.js';
import { encryptExistingRows, FieldCrypto, type EncryptedTable, type FieldCryptoOptions } from './encryption/index.js';
import { backfillBirthYears } from './birth-year-backfill.js';
import { backfillPiiFlags, type BackfillProgress } from './pii-flags-backfill.js';

/** Applies pending migrations; returns the names applied (empty when the schema is current). */
export async function migrateUp(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}

export async function pendingMigrations(orm: MikroORM): Promise<string[]> {
  return (await orm.getMigrator().getPendingMigrations()).map((m) => m.name);
}

export interface Migrated {
  applied: string[];
  crypto: FieldCrypto;
  /** Rows found in plaintext (written before field encryption) and sealed now, per table. */
  encrypted: Record<EncryptedTable, number>;
  /** Feedback rows whose `piiFlags` were computed now (stored before detection covered them). */
  piiScanned: number;
  /** Customers whose `birth_year` was filled now (stored before the column existed). */
  birthYears: number;
}

export interface MigrateProgress {
  sealed?: (table: EncryptedTable, done: number) => void;
  piiFlags?: BackfillProgress;
  birthYears?: BackfillProgress;
}

/**
 * Schema migrations, then the key check and the data steps a SQL migration cannot do: sealing rows
 * still in plaintext, then back-filling feedback's `piiFlags` from the sealed text and customers'
 * `birth_year` (age bands) from the sealed birth date. Safe to run any
 * number of times; an interrupted run resumes where it stopped.
 */
export async function migrateAll(orm: MikroORM, provider: KeyProvider, progress: MigrateProgress = {}, cryptoOptions: FieldCryptoOptions = {}): Promise<Migrated> {
  const applied = await migrateUp(orm);
  const em = orm.em.fork();
  const crypto = await FieldCrypto.open(em, provider, cryptoOptions);
  const encrypted = await encryptExistingRows(em, crypto, progress.sealed);
  const piiScanned = await backfillPiiFlags(em, crypto, progress.piiFlags);
  const birthYears = await backfillBirthYears(em, crypto, progress.birthYears);
  return { applied, crypto, encrypted, piiScanned, birthYears };
}
