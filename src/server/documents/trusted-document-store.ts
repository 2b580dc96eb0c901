/**
 * The gateway's view of the trusted documents: looked up by hash in PostgreSQL and kept for
 * `ttlMs` (found or missing) in a bounded per-process cache, so a publish or revoke made by the CLI
 * binds every gateway process within that time (KOE_TRUSTED_DOCUMENTS_TTL_MS; 0: every request asks).
 *
 * It is also Apollo's persisted-query cache: Apollo asks it for the text of a hash-only request.
 * `set` does nothing, so Apollo's automatic persisted queries can never make a client's text trusted.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { liveDocument, normalizeHash } from '../../data/documents/index.js';
import { Lru } from '../../policies/lru.js';

export interface LiveDocument {
  readonly body: string;
  readonly clients: readonly string[];
}

const CAPACITY = 2_000;
/** Apollo prefixes the keys of its persisted-query cache. */
const APQ_PREFIX = 'apq:';

export class TrustedDocumentStore {
  private readonly cache = new Lru<string, { at: number; readonly doc: Promise<LiveDocument | null> }>(CAPACITY);

  constructor(private readonly orm: MikroORM, private readonly ttlMs: number) {}

  get(hash: string): Promise<LiveDocument | null> {
    const now = Date.now();
    const hit = this.cache.get(hash);
    if (hit && now - hit.at < this.ttlMs) return hit.doc;
    const doc = liveDocument(this.orm.em.fork(), hash);
    if (this.ttlMs > 0) {
      const entry = { at: now, doc };
      this.cache.set(hash, entry);
      // A failed lookup is not remembered: the next request asks again.
      doc.catch(() => void (entry.at = 0));
    }
    return doc;
  }

  /** Apollo's KeyValueCache, read-only: the text of a published hash, else undefined (PERSISTED_QUERY_NOT_FOUND). */
  asPersistedQueryCache() {
    return {
      get: async (key: string): Promise<string | undefined> => {
        const hash = normalizeHash(key.startsWith(APQ_PREFIX) ? key.slice(APQ_PREFIX.length) : key);
        return hash ? (await this.get(hash))?.body : undefined;
      },
      set: async (): Promise<void> => {},
      delete: async (): Promise<boolean> => false,
    };
  }
}
