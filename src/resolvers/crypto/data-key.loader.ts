import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { FieldCrypto } from '../../data/crypto/index.js';

/** The data keys a request needs, one statement per batch; `null` for an owner whose key was shredded. */
export function dataKeyLoader(em: EntityManager, crypto: FieldCrypto) {
  return new DataLoader<string, Buffer | null>(async (owners) => {
    const keys = await crypto.loadKeys(em, owners);
    return owners.map((o) => keys.get(o) ?? null);
  });
}
