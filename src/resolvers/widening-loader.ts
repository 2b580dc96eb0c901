/**
 * A DataLoader whose callers say which properties they will read (src/resolvers/selected-columns.ts):
 * one batch reads the union of what its callers need, and a key is cached by itself alone, so two
 * callers of one record share one promise exactly as with a plain DataLoader (same statements, same
 * order of results and errors). A record already read with fewer columns than a later caller needs
 * is read again, wider: a narrowed row never answers a field it lacks.
 */
import DataLoader from 'dataloader';
import { unionOf } from './selected-columns.js';

interface Need {
  /** What the key's read selects; null: every column. */
  properties: ReadonlySet<string> | null;
  /** Its batch has started: widening it now means reading it again. */
  dispatched: boolean;
}

export class WideningLoader<K, V> {
  private readonly loader: DataLoader<K, V, string>;
  private readonly needs = new Map<string, Need>();

  constructor(
    read: (keys: readonly K[], properties: readonly string[] | null) => Promise<V[]>,
    private readonly keyOf: (key: K) => string,
  ) {
    this.loader = new DataLoader<K, V, string>(
      (keys) => {
        const needs = keys.map((k) => this.needs.get(this.keyOf(k))!);
        const properties = unionOf(needs.map((n) => (n.properties ? [...n.properties] : null)));
        const reading = properties === null ? null : new Set(properties);
        for (const need of needs) {
          need.dispatched = true;
          need.properties = reading;
        }
        return read(keys, properties);
      },
      { cacheKeyFn: keyOf },
    );
  }

  load(key: K, properties: readonly string[] | null): Promise<V> {
    const id = this.keyOf(key);
    const need = this.needs.get(id);
    if (!need) {
      this.needs.set(id, { properties: properties && new Set(properties), dispatched: false });
    } else if (need.properties !== null && (properties === null || properties.some((p) => !need.properties!.has(p)))) {
      const wider = properties === null ? null : new Set([...need.properties, ...properties]);
      if (need.dispatched) {
        // Callers holding the narrower read keep it (it has what they asked for); this one reads again.
        this.loader.clear(key);
        this.needs.set(id, { properties: wider, dispatched: false });
      } else need.properties = wider;
    }
    return this.loader.load(key);
  }
}
