/**
 * Small-group suppression for aggregates (statistical disclosure control). Guarantees, for a
 * table of groups keyed by d dimensions and a role's `minGroupSize`:
 *
 * 1. Primary: no group with fewer records than the minimum shows its count.
 * 2. Complementary: in every line of the table (the groups that share all keys but one, whose sum
 *    is a marginal the caller can ask for with one dimension fewer; for one dimension, the whole
 *    breakdown against the grand total), the hidden groups are never exactly one, and never all
 *    ones (k hidden groups summing to k would each be 1). Unless the whole line is hidden, the
 *    marginal minus the visible groups therefore never gives a hidden group away.
 *
 * The next smallest visible group of a line is hidden until both hold, across all dimensions,
 * until nothing changes. Pure: counts in, flags out (the same for SQL views and GraphQL).
 */

/** A role that does not say `minGroupSize` gets this: deny by default, as with fields. */
export const DEFAULT_MIN_GROUP_SIZE = 10;

export interface Cell {
  /** The group's values, one per dimension (null for "no value"); compared by JSON identity. */
  readonly key: readonly unknown[];
  /** Records in the group (≥ 1: an empty group is not a row of a GROUP BY). */
  readonly count: number;
}

/** The smallest `minGroupSize` of the roles the policy knows (roles add up, like their grants); none known: the default. */
export function minGroupSizeOf(roles: ReadonlyMap<string, { readonly minGroupSize: number }>, names: readonly string[]): number {
  const sizes = names.flatMap((n) => {
    const role = roles.get(n);
    return role ? [role.minGroupSize] : [];
  });
  return sizes.length ? Math.min(...sizes) : DEFAULT_MIN_GROUP_SIZE;
}

/** Which cells to hide (true = suppressed), in the order given. */
export function suppressCells(cells: readonly Cell[], minGroupSize: number): boolean[] {
  const hidden = cells.map((c) => c.count < minGroupSize);
  if (!hidden.some(Boolean)) return hidden;
  const lines = linesOf(cells, canonicalOrder(cells));
  for (let changed = true; changed; ) {
    changed = false;
    for (const line of lines) {
      while (exposes(line, cells, hidden)) {
        hidden[nextSmallestVisible(line, cells, hidden)] = true;
        changed = true;
      }
    }
  }
  return hidden;
}

/** The line's marginal minus its visible cells would tell a hidden cell's count. */
function exposes(line: readonly number[], cells: readonly Cell[], hidden: readonly boolean[]): boolean {
  let k = 0;
  let sum = 0;
  let visible = 0;
  for (const i of line) {
    if (hidden[i]) {
      k += 1;
      sum += cells[i]!.count;
    } else visible += 1;
  }
  return k > 0 && visible > 0 && (k === 1 || sum <= k);
}

function nextSmallestVisible(line: readonly number[], cells: readonly Cell[], hidden: readonly boolean[]): number {
  let best = -1;
  for (const i of line) {
    if (hidden[i]) continue;
    if (best < 0 || cells[i]!.count < cells[best]!.count) best = i;
  }
  return best;
}

/**
 * The cells' indexes ordered by key, so the same table hides the same cells whatever order its rows
 * come in (ties between equal counts are broken by key): a table asked for two ways (grouped by
 * channel and sentiment, or by channel with each group's breakdown by sentiment) must not show
 * two different sets of cells, whose union would leave fewer hidden.
 */
function canonicalOrder(cells: readonly Cell[]): number[] {
  const keys = cells.map((c) => JSON.stringify(c.key));
  return cells.map((_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
}

/** For each dimension, the groups of cells equal on every other dimension (indexes into `cells`, in `order`). */
function linesOf(cells: readonly Cell[], order: readonly number[]): number[][] {
  const dims = cells[0]?.key.length ?? 0;
  const out: number[][] = [];
  for (let d = 0; d < dims; d++) {
    const byRest = new Map<string, number[]>();
    order.forEach((i) => {
      const c = cells[i]!;
      const rest = JSON.stringify(c.key.filter((_, j) => j !== d));
      const line = byRest.get(rest);
      if (line) line.push(i);
      else byRest.set(rest, [i]);
    });
    out.push(...byRest.values());
  }
  return out;
}
