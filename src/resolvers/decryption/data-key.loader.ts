import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { FieldCrypto } from '../../data/encryption/index.js';

/**
 * The data keys a request needs, one statement per batch; `null` for an owner whose key was
 * shredded, and an error (rejecting that owner's loads only) for a key that does not unwrap.
 */
export function dataKeyLoader(em: EntityManager, crypto: FieldCrypto) {
  return new DataLoader<string, Buffer | null>(async (owners) => {
    const failures = new Map<string, Error>();
    const keys = await crypto.loadKeys(em, owners, failures);
    return owners.map((o) => keys.get(o) ?? failures.get(o) ?? null);
  });
}
