/** The test run's key ring, and reading sealed rows back in plaintext for expectations. */
import { LocalKeyProvider, parseMasterKeyEnv, type KeyProvider } from '../../src/crypto/index.js';
import { ENCRYPTED_COLUMNS, FieldCrypto, NIL_OWNER, type EncryptedTable } from '../../src/data/encryption/index.js';
import type { MikroORM } from '../../src/data/orm.js';

/** Base64 of 32 bytes; also in vitest.config.ts (env) and test/setup/prepare-database.ts. */
export const TEST_MASTER_KEY = 'a29lLXRlc3QtbWFzdGVyLWtleS1ub3QtZm9yLXByb2Q=';

export function testKeyProvider(): KeyProvider {
  return new LocalKeyProvider(parseMasterKeyEnv(TEST_MASTER_KEY));
}

const cryptoByOrm = new WeakMap<MikroORM, Promise<FieldCrypto>>();

/** One FieldCrypto per ORM (it checks the key ring against that database once). */
export function testCrypto(orm: MikroORM): Promise<FieldCrypto> {
  let c = cryptoByOrm.get(orm);
  if (!c) cryptoByOrm.set(orm, (c = FieldCrypto.open(orm.em.fork(), testKeyProvider())));
  return c;
}

type Sealed = { id: string; customer?: { id: string } | string | null };

/** A plaintext copy of a stored customer, purchase or feedback row (the entity itself is not touched). */
export async function unsealed<T extends Sealed>(orm: MikroORM, table: EncryptedTable, row: T): Promise<T> {
  const crypto = await testCrypto(orm);
  const c = row.customer;
  const owner = table === 'customer' ? row.id : (typeof c === 'string' ? c : c?.id) ?? NIL_OWNER;
  const key = (await crypto.loadKeys(orm.em.fork(), [owner])).get(owner);
  if (!key) throw new Error(`no data key for ${owner}`);
  const copy = Object.assign(Object.create(Object.getPrototypeOf(row) as object) as T, row);
  for (const [property, column] of Object.entries(ENCRYPTED_COLUMNS[table])) {
    const v = (row as Record<string, unknown>)[property];
    if (typeof v === 'string') (copy as Record<string, unknown>)[property] = crypto.decrypt(key, table, column, row.id, v);
  }
  return copy;
}
