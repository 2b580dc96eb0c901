/**
 * Customers' contact details, decrypted, for telling them of a leak (APPI Art. 26(2)). Only for a
 * caller the policy gives PLAIN for a compliance case: the caller checks that before asking.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { ENCRYPTED_COLUMNS, type FieldCrypto } from './encryption/index.js';
import { CustomerEntity } from './entities/index.js';

export interface CustomerContact {
  customerId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  /** Erased: nothing is left to write to. */
  erased: boolean;
}

export async function customerContacts(em: EntityManager, crypto: FieldCrypto, ids: readonly string[]): Promise<Map<string, CustomerContact>> {
  const out = new Map<string, CustomerContact>();
  const col = ENCRYPTED_COLUMNS.customer;
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const [rows, keys] = await Promise.all([em.find(CustomerEntity, { id: { $in: chunk } }), crypto.loadKeys(em, chunk)]);
    for (const c of rows) {
      const key = keys.get(c.id) ?? null;
      const open = (column: string, stored: string | null) => (key && stored ? crypto.decrypt(key, 'customer', column, c.id, stored) : null);
      out.set(c.id, {
        customerId: c.id,
        name: open(col.name, c.name),
        email: open(col.email, c.email),
        phone: open(col.phone, c.phone),
        address: open(col.address, c.address),
        erased: key === null,
      });
    }
  }
  return out;
}
