/**
 * Rewrites a condition as an OR of AND-ed comparisons (negations pushed onto the comparisons).
 * CASL's Mongo matcher has no $or/$and/$not on purpose, so each branch becomes one CASL rule;
 * the union of rules is exactly the OR.
 */
import { NEGATED_OP, type CmpNode, type CondNode, type Conjunction, type Scalar } from './cond-node.js';

/** Beyond this a policy is too clever to review; split the rule instead. */
export const MAX_BRANCHES = 64;

export type Dnf = readonly Conjunction[];

/** `[[]]` is "always" (one branch with no test); a null node is "always" too. */
export function toDnf(node: CondNode | null): Dnf | { error: string } {
  if (!node) return [[]];
  const branches = expand(pushNot(node, false));
  if (branches.length > MAX_BRANCHES) {
    return { error: `condition expands to ${branches.length} alternatives (at most ${MAX_BRANCHES}): split it into several rules` };
  }
  const out: Conjunction[] = [];
  for (const b of branches) {
    const merged = mergeBranch(b);
    if ('error' in merged) return merged;
    out.push(merged.branch);
  }
  return out;
}

function pushNot(node: CondNode, negate: boolean): CondNode {
  switch (node.kind) {
    case 'cmp':
      return negate ? { ...node, op: NEGATED_OP[node.op] } : node;
    case 'not':
      return pushNot(node.item, !negate);
    case 'and':
    case 'or': {
      const items = node.items.map((i) => pushNot(i, negate));
      // De Morgan: not (a and b) = (not a) or (not b).
      const kind = negate ? (node.kind === 'and' ? 'or' : 'and') : node.kind;
      return { kind, items };
    }
  }
}

function expand(node: CondNode): CmpNode[][] {
  switch (node.kind) {
    case 'cmp':
      return [[node]];
    case 'or':
      return node.items.flatMap(expand);
    case 'and': {
      let acc: CmpNode[][] = [[]];
      for (const item of node.items) {
        const next: CmpNode[][] = [];
        for (const left of acc) for (const right of expand(item)) next.push([...left, ...right]);
        acc = next;
        if (acc.length > MAX_BRANCHES) break;
      }
      return acc;
    }
    case 'not':
      throw new Error('unreachable: negations are pushed down before expansion');
  }
}

/**
 * One Mongo mapping holds one value per field and operator. "Not a and not b" (what `$not` of an
 * `$or` gives) merges into one `$nin`; any other repeat is an error.
 */
function mergeBranch(branch: readonly CmpNode[]): { branch: Conjunction } | { error: string } {
  const seen = new Map<string, CmpNode>();
  for (const c of branch) {
    const slot = c.op === 'ne' ? 'nin' : c.op;
    const key = `${c.field}\u0000${slot}`;
    const before = seen.get(key);
    if (!before) seen.set(key, c);
    else if (slot === 'nin') {
      const values = [...asList(before), ...asList(c)];
      seen.set(key, { ...c, op: 'nin', value: values.filter((v, i) => values.indexOf(v) === i) });
    } else if (JSON.stringify(before.value) !== JSON.stringify(c.value)) {
      return { error: `"${c.field}" is compared with $${c.op} twice in one alternative: merge the values (e.g. with $in / $nin) or split the rule` };
    }
  }
  return { branch: [...seen.values()] };
}

function asList(c: CmpNode): Scalar[] {
  return Array.isArray(c.value) ? [...(c.value as readonly Scalar[])] : [c.value as Scalar];
}
