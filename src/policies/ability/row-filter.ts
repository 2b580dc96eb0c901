/**
 * Which rows of a type a principal may see, as a condition for SQL: the OR of the conditions of
 * every read rule (CASL's rulesToCondition, which also handles inverted rules). No rule, no rows.
 */
import type { MongoQuery, Rule, AbilityTuple } from '@casl/ability';
import { rulesToCondition } from '@casl/ability/extra';
import type { CondNode } from '../conditions/cond-node.js';
import type { KoeRawRule } from './raw-rules.js';

export type RowFilter = { readonly kind: 'all' } | { readonly kind: 'none' } | { readonly kind: 'where'; readonly where: CondNode };

const ALL: RowFilter = { kind: 'all' };
const NONE: RowFilter = { kind: 'none' };
/** `and` of nothing is true: what CASL's `empty` (an unconditional rule) means. */
const TRUE: CondNode = { kind: 'and', items: [] };

export function rowFilterOf(rules: readonly Rule<AbilityTuple, MongoQuery>[]): RowFilter {
  const result = rulesToCondition(
    rules,
    (rule) => (rule.origin as unknown as KoeRawRule).koe.cond ?? TRUE,
    {
      and: (items: CondNode[]): CondNode => ({ kind: 'and', items }),
      or: (items: CondNode[]): CondNode => ({ kind: 'or', items }),
      empty: (): CondNode => TRUE,
    },
  );
  if (result === null) return NONE;
  const where = simplify(result);
  return where === TRUE ? ALL : { kind: 'where', where };
}

/** Flattens nested ORs, drops duplicate branches, and collapses anything OR-ed with TRUE. */
function simplify(node: CondNode): CondNode {
  if (node.kind !== 'or') return isTrue(node) ? TRUE : node;
  const seen = new Map<string, CondNode>();
  for (const item of node.items.flatMap((i) => (i.kind === 'or' ? i.items : [i]))) {
    if (isTrue(item)) return TRUE;
    seen.set(JSON.stringify(item), item);
  }
  // CASL lists rules highest priority (last written) first; OR commutes, and source order reads better.
  const items = [...seen.values()].reverse();
  return items.length === 1 ? items[0]! : { kind: 'or', items };
}

function isTrue(node: CondNode): boolean {
  return node.kind === 'and' && node.items.length === 0;
}
