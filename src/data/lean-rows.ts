/**
 * Rows for the read paths as plain objects: the entity's properties (formulas included), a
 * many-to-one as `{ id }`, and no identity map, change tracking or collections. On a 100-row page
 * MikroORM's entity construction cost more than the query itself (`npm run bench -- subgraph-profile`),
 * and a read never flushes. Writes still load entities through the EntityManager.
 *
 * The rows each read returns are added to the request's `TouchedRows`, so the audit still names
 * every record a request touched, as it does for the entities in the identity map.
 */
import type { Collection, EntityClass, EntityManager, EntityMetadata, QueryOrderMap } from '@mikro-orm/postgresql';
import type { TouchedRows } from './touched-rows.js';
import { StatementCache } from './statement-cache.js';

type LeanValue<V> = V extends Date | string | number | boolean | readonly unknown[] ? V : V extends { id: string } ? { id: string } : V;

/** An entity's row as the read paths see it: collections left out, references reduced to their id. */
export type Lean<T> = { [K in keyof T as NonNullable<T[K]> extends Collection<object> ? never : K]: LeanValue<T[K]> };

export interface LeanFindOptions {
  orderBy?: QueryOrderMap<object> | Array<QueryOrderMap<object>>;
  limit?: number;
  /** The formula properties to compute (each a subquery per row); left out: all of them, as `*` does. */
  formulas?: readonly string[];
  /**
   * Exactly these properties (stored ones and formulas), for a read that knows what it will use
   * (src/resolvers/selected-columns.ts); wins over `formulas`. Left out or null: every column.
   */
  properties?: readonly string[] | null;
}

/** MikroORM's own row mapping (AbstractSqlDriver.mapResult): property names, dates and JSON as the entity has them. */
interface Mapper {
  mapResult(row: Record<string, unknown>, meta: EntityMetadata): Record<string, unknown> | null;
}

/** Per entity: its many-to-one properties, whose mapped value (the key) becomes `{ id }`. */
const references = new WeakMap<EntityMetadata, string[]>();

/** Per ORM (its metadata): the statements built for each shape of read (src/data/statement-cache.ts). */
const statementCaches = new WeakMap<object, StatementCache>();

export async function leanFind<T extends object>(em: EntityManager, touched: TouchedRows, entity: EntityClass<T>, where: object, opts: LeanFindOptions = {}): Promise<Array<Lean<T>>> {
  const metadata = em.getMetadata();
  const select = opts.properties ?? (opts.formulas ? columnsOf(metadata.get(entity.name), opts.formulas) : '*');
  let cache = statementCaches.get(metadata);
  if (!cache) statementCaches.set(metadata, (cache = new StatementCache()));
  const head = `${entity.name}\u0000${typeof select === 'string' ? select : select.join(',')}\u0000${JSON.stringify(opts.orderBy ?? null)}\u0000${opts.limit === undefined ? '' : 'limit'}`;
  const { sql, bindings } = cache.statement(head, where, opts.limit === undefined ? [] : [opts.limit], () => {
    const qb = em.createQueryBuilder(entity, 'e0').select(select as never).where(where as never);
    if (opts.orderBy) qb.orderBy(opts.orderBy as never);
    if (opts.limit !== undefined) qb.limit(opts.limit);
    const built = qb.getKnexQuery().toSQL();
    return { sql: built.sql, bindings: built.bindings };
  });
  // As the query builder runs it: the request's transaction, if any, and the ORM's query log.
  const raw = (await em.getConnection().execute(sql, [...bindings], 'all', em.getTransactionContext(), { id: em.id } as never)) as unknown as Array<Record<string, unknown>>;
  return leanRows(em, touched, entity, raw);
}

/** Plain rows from raw column-named rows of `entity`'s table (for statements built by hand). */
export function leanRows<T extends object>(em: EntityManager, touched: TouchedRows, entity: EntityClass<T>, raw: ReadonlyArray<Record<string, unknown>>): Array<Lean<T>> {
  const meta = em.getMetadata().get(entity.name);
  const refs = referencesOf(meta);
  const driver = em.getDriver() as unknown as Mapper;
  const rows = raw.map((r) => {
    const row = driver.mapResult(r, meta)!;
    for (const property of refs) {
      // Not selected: left out, rather than read as "no reference".
      if (!(property in row)) continue;
      const id = row[property];
      row[property] = id === null || id === undefined ? null : { id };
    }
    return row as Lean<T>;
  });
  touched.add(meta.className, rows as unknown as Array<{ id: string }>);
  return rows;
}

const columns = new WeakMap<EntityMetadata, Map<string, string[]>>();

/** The stored columns (many-to-one keys included) and the named formulas, as properties. */
function columnsOf(meta: EntityMetadata, formulas: readonly string[]): string[] {
  let byFormulas = columns.get(meta);
  if (!byFormulas) columns.set(meta, (byFormulas = new Map()));
  const key = formulas.join(',');
  let out = byFormulas.get(key);
  if (!out) {
    const stored = (p: EntityMetadata['props'][number]) => p.persist !== false && (p.kind === 'scalar' || p.kind === 'm:1' || (p.kind === '1:1' && p.owner));
    byFormulas.set(key, (out = meta.props.filter((p) => (p.formula ? formulas.includes(p.name) : stored(p))).map((p) => p.name)));
  }
  return out;
}

function referencesOf(meta: EntityMetadata): string[] {
  let refs = references.get(meta);
  if (!refs) references.set(meta, (refs = meta.props.filter((p) => p.kind === 'm:1' || (p.kind === '1:1' && p.owner)).map((p) => p.name)));
  return refs;
}
