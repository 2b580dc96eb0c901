/**
 * The one condition language of Koe: a small AST that the loader builds from Mongo-style `when:`,
 * that CASL evaluates per record, and that the data layer turns into SQL. Keeping one AST for
 * both sides means a row visible in SQL and a field decided in memory follow the same rule.
 */

export const CMP_OPS = ['eq', 'ne', 'in', 'nin', 'gt', 'gte', 'lt', 'lte'] as const;
export type CmpOp = (typeof CMP_OPS)[number];

export type Scalar = string | number | boolean | null;
export type CondValue = Scalar | readonly Scalar[];

/** `field op value`; `in`/`nin` take a list. For list fields, `eq` means "contains". */
export interface CmpNode {
  readonly kind: 'cmp';
  readonly field: string;
  readonly op: CmpOp;
  readonly value: CondValue;
}
export interface AndNode {
  readonly kind: 'and';
  readonly items: readonly CondNode[];
}
export interface OrNode {
  readonly kind: 'or';
  readonly items: readonly CondNode[];
}
export interface NotNode {
  readonly kind: 'not';
  readonly item: CondNode;
}
export type CondNode = CmpNode | AndNode | OrNode | NotNode;

/** A conjunction of comparisons: one branch of a condition in disjunctive normal form. */
export type Conjunction = readonly CmpNode[];

export function and(items: readonly CondNode[]): CondNode {
  return items.length === 1 ? items[0]! : { kind: 'and', items };
}

export function or(items: readonly CondNode[]): CondNode {
  return items.length === 1 ? items[0]! : { kind: 'or', items };
}

/** The negation of each comparison, so `$not` can be pushed down to the leaves. */
export const NEGATED_OP: Readonly<Record<CmpOp, CmpOp>> = {
  eq: 'ne', ne: 'eq', in: 'nin', nin: 'in', gt: 'lte', lte: 'gt', gte: 'lt', lt: 'gte',
};

const OP_TEXT: Readonly<Record<CmpOp, string>> = {
  eq: '=', ne: '≠', in: 'in', nin: 'not in', gt: '>', gte: '≥', lt: '<', lte: '≤',
};

/** Human-readable text for matrices and explanations, e.g. `teamId = $principal.teamId`. */
export function condToString(node: CondNode): string {
  switch (node.kind) {
    case 'cmp':
      return `${node.field} ${OP_TEXT[node.op]} ${Array.isArray(node.value) ? `[${node.value.join(', ')}]` : String(node.value)}`;
    case 'and':
      return node.items.map((i) => (i.kind === 'or' ? `(${condToString(i)})` : condToString(i))).join(' and ');
    case 'or':
      return node.items.map((i) => (i.kind === 'and' ? `(${condToString(i)})` : condToString(i))).join(' or ');
    case 'not':
      return `not (${condToString(node.item)})`;
  }
}
