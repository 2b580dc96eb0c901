/**
 * Shaping an aggregate's rows for the caller: the groups suppressed by `suppressCells`
 * (src/policies/aggregates) against the caller's minGroupSize, and the breakdowns inside the
 * groups (by sentiment, by channel) suppressed as one table with them.
 */
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { BadUserInputError } from '../request/errors.js';
import { suppressCells } from '../policies/index.js';

/** One GROUP BY row: the group's values `k0…kn`, its count `n`, and the statement's other columns. */
export type AggregateRow = Record<string, unknown> & { n: number };

export interface ShapedGroup<R> {
  readonly row: R;
  readonly keys: readonly unknown[];
  readonly suppressed: boolean;
}

export function keysOf(row: Record<string, unknown>, dims: number): unknown[] {
  return Array.from({ length: dims }, (_, i) => row[`k${i}`] ?? null);
}

export function shapeGroups<R extends AggregateRow>(rows: readonly R[], dims: number, minGroupSize: number): Array<ShapedGroup<R>> {
  const cells = rows.map((row) => ({ key: keysOf(row, dims), count: row.n }));
  const hidden = suppressCells(cells, minGroupSize);
  return rows.map((row, i) => ({ row, keys: cells[i]!.key, suppressed: hidden[i]! }));
}

/**
 * Every group's counts per value of one more dimension (sentiment, channel; zero counts left out,
 * as GROUP BY leaves out empty groups), suppressed as one table keyed by the group's values and the
 * breakdown's: the same cells, and the same hidden ones, as grouping by that dimension too. Each
 * breakdown suppressed alone would leave its column across groups (one sentiment in every channel)
 * free to hide one cell, which the total's breakdown minus the visible cells then gives away.
 */
export function breakdowns<V>(
  groups: ReadonlyArray<{ readonly keys: readonly unknown[]; readonly counts: ReadonlyArray<readonly [V, number]> }>,
  minGroupSize: number,
): Array<Array<{ value: V; count: number | null; suppressed: boolean }>> {
  const present = groups.map((g) => g.counts.filter(([, n]) => n > 0));
  const hidden = suppressCells(present.flatMap((counts, i) => counts.map(([v, count]) => ({ key: [...groups[i]!.keys, v], count }))), minGroupSize);
  let at = 0;
  return present.map((counts) => counts.map(([value, count]) => {
    const suppressed = hidden[at++]!;
    return { value, count: suppressed ? null : count, suppressed };
  }));
}

/** The dimensions asked for, each once, at most `max` of them. */
export function distinctDimensions<D extends string>(argument: string, dims: readonly D[], max: number): D[] {
  const seen = new Set<D>();
  for (const d of dims) {
    if (seen.has(d)) throw new BadUserInputError(argument, `${d} is named twice`);
    seen.add(d);
  }
  if (seen.size > max) throw new BadUserInputError(argument, `at most ${max} dimensions`);
  return [...seen];
}

/**
 * The fields the operation selects on its groups (fragments followed, `@skip`/`@include` ignored: a
 * superset), so the statement computes only the metrics asked for.
 */
export function groupFieldsSelected(info: GraphQLResolveInfo): Set<string> {
  const out = new Set<string>();
  const walk = (set: SelectionSetNode | undefined, inGroups: boolean): void => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind === Kind.FIELD) {
        if (inGroups) out.add(sel.name.value);
        else if (sel.name.value === 'groups') walk(sel.selectionSet, true);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet, inGroups);
      else walk(info.fragments[sel.name.value]?.selectionSet, inGroups);
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet, false);
  return out;
}
