/**
 * Building one aggregate statement by hand around the row conditions MikroORM renders: the
 * caller's row filter (and the request's filters) become a WHERE fragment on a chosen alias, so
 * the GROUP BY runs in PostgreSQL over exactly the rows a list would show, and no row reaches Node.
 */
import type { EntityClass, EntityManager } from '@mikro-orm/postgresql';
import type { KoeContext } from '../request/context.js';

/** What an aggregate reads of its context: a request's, or the BI sync's for its role (src/server/bi-aggregates.ts). */
export type AggregateContext = Pick<KoeContext, 'em' | 'access' | 'decisions' | 'crypto'>;

/** SQL with `?` placeholders and their values in order. */
export interface SqlPart {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/**
 * The condition on `alias` (a table of `entity`) for rows matching `where`; `null` (the caller may
 * see none) is `false`. MikroORM numbers its parameters `$n`; they become `?` in order of use.
 */
export function rowCondition(em: EntityManager, entity: EntityClass<object>, alias: string, where: object | null): SqlPart {
  if (where === null) return { sql: 'false', params: [] };
  if (Object.keys(where).length === 0) return { sql: 'true', params: [] };
  const qb = em.createQueryBuilder(entity, alias).select('id').where(where as never);
  const { sql, params } = positional(qb.getQuery(), qb.getParams());
  const table = em.getMetadata().get(entity.name).tableName;
  const plain = `select "${alias}"."id" from "${table}" as "${alias}" where `;
  // A condition through a relation adds a join: keep it whole as a semi-join rather than cut it.
  if (sql.startsWith(plain)) return { sql: `(${sql.slice(plain.length)})`, params };
  return { sql: `"${alias}"."id" in (${sql})`, params };
}

function positional(sql: string, values: readonly unknown[]): SqlPart {
  const params: unknown[] = [];
  const out = sql.replace(/\$(\d+)/g, (_, n: string) => {
    params.push(values[Number(n) - 1]);
    return '?';
  });
  return { sql: out, params };
}

/** Joins parts with `sep`, keeping their parameters in order. */
export function joinParts(parts: readonly SqlPart[], sep: string): SqlPart {
  return { sql: parts.map((p) => p.sql).join(sep), params: parts.flatMap((p) => p.params) };
}

/** Runs one statement (the audit names no record: an aggregate reads groups, not rows). */
export function runAggregate<R>(em: EntityManager, part: SqlPart): Promise<R[]> {
  return em.getConnection().execute<R[]>(part.sql, [...part.params], 'all');
}

/**
 * The statement's tail: the caller's row condition, then one group per key column (`k0`, `k1` …) in
 * key order; without groups, one total row, none when nothing matched.
 */
export function groupedTail(where: SqlPart, groups: readonly string[]): SqlPart[] {
  const parts: SqlPart[] = [];
  if (where.sql !== 'true') parts.push({ sql: `where ${where.sql}`, params: where.params });
  if (groups.length) {
    parts.push({ sql: `group by ${groups.join(', ')}`, params: [] });
    parts.push({ sql: `order by ${groups.map((_, i) => `k${i}`).join(', ')}`, params: [] });
  } else parts.push({ sql: 'having count(*) > 0', params: [] });
  return parts;
}
