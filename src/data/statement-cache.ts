/**
 * The read paths' SELECTs built once per shape, not once per call. MikroORM's query builder turned a
 * where object into SQL on every call: 0.6 ms of CPU for an `_entities` batch of 100 ids and 0.2 ms
 * for a feedback page (2026-12-05), two of them per dashboard request. A statement's text depends only
 * on the where object's shape (keys, operators, array lengths, which values are null, of what type),
 * so the text is kept per shape and each call binds its own values in the order they appear.
 *
 * Nothing is assumed about how MikroORM turns values into bindings: the first build of a shape
 * compares the builder's bindings with the values read off the where object, in order, and a shape
 * whose values the builder converted, dropped or reordered is never cached (it is built every time,
 * as before). The row conditions are in the where object, so a cached statement filters exactly as
 * the builder's: the shape covers every key and operator.
 */
import { isDeepStrictEqual } from 'node:util';
import { RawQueryFragment } from '@mikro-orm/core';
import { Lru } from '../policies/lru.js';

export interface BuiltStatement {
  sql: string;
  bindings: readonly unknown[];
}

/** A shape whose bindings did not match its values: built every time. */
const UNCACHEABLE = Symbol('uncacheable');

export class StatementCache {
  private readonly statements: Lru<string, string | typeof UNCACHEABLE>;

  constructor(capacity = 2000) {
    this.statements = new Lru(capacity);
  }

  /**
   * The statement for `where` under `head` (entity, columns, order, limit): from the cache when its
   * shape was built before, else from `build` (checked, and kept when its bindings are the values).
   * `tail`: values bound after the where's (the limit).
   */
  statement(head: string, where: unknown, tail: readonly unknown[], build: () => BuiltStatement): BuiltStatement {
    const values: unknown[] = [];
    const shape = shapeOf(where, values);
    if (shape === null) return build();
    const key = `${head}\u0000${shape}`;
    const sql = this.statements.get(key);
    if (sql === UNCACHEABLE) return build();
    const bindings = tail.length ? [...values, ...tail] : values;
    if (sql !== undefined) return { sql, bindings };
    const built = build();
    this.statements.set(key, isDeepStrictEqual(built.bindings, bindings) ? built.sql : UNCACHEABLE);
    return built;
  }

  get size(): number {
    return this.statements.size;
  }
}

const SCALARS: Partial<Record<string, string>> = { string: 's', number: 'n', boolean: 'b', bigint: 'i' };

/**
 * The where object's shape as text, its bound values pushed to `values` in order; null for anything
 * but plain objects, arrays, strings, numbers, booleans, bigints, Dates, raw fragments used as values
 * and null (left to the builder).
 */
function shapeOf(v: unknown, values: unknown[]): string | null {
  if (v === null || v === undefined) return v === null ? 'N' : 'U';
  const scalar = SCALARS[typeof v];
  if (scalar) {
    values.push(v);
    return scalar;
  }
  if (typeof v !== 'object') return null;
  if (v instanceof Date) {
    values.push(v);
    return 'd';
  }
  // A row condition's subquery (src/data/virtual-translators.ts): its text is shape, its parameters values.
  if (v instanceof RawQueryFragment) {
    values.push(...v.params);
    return `r${JSON.stringify(v.sql)}`;
  }
  if (Array.isArray(v)) {
    let out = '[';
    for (const item of v) {
      const s = shapeOf(item, values);
      if (s === null) return null;
      out += s + ',';
    }
    return out + ']';
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return null;
  let out = '{';
  for (const k in v) {
    const s = shapeOf((v as Record<string, unknown>)[k], values);
    if (s === null) return null;
    out += JSON.stringify(k) + ':' + s + ',';
  }
  return out + '}';
}
