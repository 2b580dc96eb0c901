import type { MikroORM } from '@mikro-orm/postgresql';
import type { KeyProvider } from '../crypto/index.js';
import { encryptExistingRows, FieldCrypto, type EncryptedTable } from './crypto/index.js';

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
}

/**
 * Schema migrations, then the key check and the data step a SQL migration cannot do: sealing rows
 * still in plaintext. Safe to run any number of times; an interrupted run resumes where it stopped.
 */
export async function migrateAll(orm: MikroORM, provider: KeyProvider, onProgress?: (table: EncryptedTable, done: number) => void): Promise<Migrated> {
  const applied = await migrateUp(orm);
  const em = orm.em.fork();
  const crypto = await FieldCrypto.open(em, provider);
  const encrypted = await encryptExistingRows(em, crypto, onProgress);
  return { applied, crypto, encrypted };
}
