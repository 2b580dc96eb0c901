/**
 * Turns a Mongo-style `when:` mapping into a CondNode, accepting only what both CASL and SQL can
 * evaluate the same way: known fields or virtual attributes of the type, the operators
 * $eq $ne $in $nin $gt $gte $lt $lte $and $or $not, scalar values and known placeholders.
 */
import type { TypeInfo } from '../catalog.js';
import { suggest } from '../suggest.js';
import { virtualAttribute, VIRTUAL_ATTRIBUTES } from '../virtual-attributes.js';
import { and, or, type CmpOp, type CondNode, type CondValue, type Scalar } from './cond-node.js';
import { isPlaceholderSyntax, placeholderProblem } from './placeholders.js';

export type Path = readonly (string | number)[];

/** A problem located by its path in the YAML document; the loader turns paths into line:col. */
export interface PathProblem {
  readonly path: Path;
  /** Point at the mapping key (unknown names) or at the value (bad values). */
  readonly at: 'key' | 'value';
  readonly message: string;
}

export interface ConditionContext {
  readonly type: TypeInfo;
  readonly purposes: ReadonlySet<string>;
}

const FIELD_OPS: Readonly<Record<string, CmpOp>> = {
  $eq: 'eq', $ne: 'ne', $in: 'in', $nin: 'nin', $gt: 'gt', $gte: 'gte', $lt: 'lt', $lte: 'lte',
};

export function parseCondition(raw: unknown, path: Path, ctx: ConditionContext): { node: CondNode | null; problems: PathProblem[] } {
  const problems: PathProblem[] = [];
  const node = parseMapping(raw, path, ctx, problems);
  return { node: problems.length ? null : node, problems };
}

function isMapping(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function parseMapping(raw: unknown, path: Path, ctx: ConditionContext, problems: PathProblem[]): CondNode | null {
  if (!isMapping(raw)) {
    problems.push({ path, at: 'value', message: 'a condition is a mapping, e.g. { teamId: $principal.teamId }' });
    return null;
  }
  const entries = Object.entries(raw);
  if (entries.length === 0) problems.push({ path, at: 'value', message: 'empty condition: remove `when:` for a rule that applies to every record' });
  const items: CondNode[] = [];
  for (const [key, value] of entries) {
    const at = [...path, key];
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0) {
        problems.push({ path: at, at: 'value', message: `${key} takes a non-empty list of conditions` });
        continue;
      }
      const parts = value.map((c, i) => parseMapping(c, [...at, i], ctx, problems)).filter((c): c is CondNode => c !== null);
      items.push(key === '$and' ? and(parts) : or(parts));
    } else if (key === '$not') {
      const inner = parseMapping(value, at, ctx, problems);
      if (inner) items.push({ kind: 'not', item: inner });
    } else if (key.startsWith('$')) {
      problems.push({ path: at, at: 'key', message: `unknown operator "${key}" at the top of a condition (use $and, $or, $not or a field name)` });
    } else {
      const field = parseField(key, value, at, ctx, problems);
      if (field) items.push(field);
    }
  }
  return items.length ? and(items) : null;
}

function parseField(field: string, raw: unknown, path: Path, ctx: ConditionContext, problems: PathProblem[]): CondNode | null {
  const virtual = virtualAttribute(ctx.type.name, field);
  if (!virtual && !Object.hasOwn(ctx.type.fields, field)) {
    const known = [...Object.keys(ctx.type.fields), ...Object.keys(VIRTUAL_ATTRIBUTES[ctx.type.name] ?? {})];
    problems.push({ path, at: 'key', message: `unknown condition key "${field}" on ${ctx.type.name}: use a field or virtual attribute of ${ctx.type.name} ${suggest(field, known)}` });
    return null;
  }
  const purposeValued = virtual?.values === 'purpose';
  if (!isMapping(raw)) return comparison(field, 'eq', raw, path, purposeValued, ctx, problems);
  const entries = Object.entries(raw);
  if (entries.length === 0) problems.push({ path, at: 'value', message: `empty operator mapping for "${field}": write { $eq: value } or a plain value` });
  const items: CondNode[] = [];
  for (const [key, value] of entries) {
    const at = [...path, key];
    if (key === '$not') {
      const inner = parseField(field, value, at, ctx, problems);
      if (inner) items.push({ kind: 'not', item: inner });
      continue;
    }
    const op = Object.hasOwn(FIELD_OPS, key) ? FIELD_OPS[key] : undefined;
    if (!op) {
      problems.push({ path: at, at: 'key', message: `unknown operator "${key}" on "${field}" ${suggest(key, [...Object.keys(FIELD_OPS), '$not'], 'use one of')}` });
      continue;
    }
    const node = comparison(field, op, value, at, purposeValued, ctx, problems);
    if (node) items.push(node);
  }
  return items.length ? and(items) : null;
}

function comparison(
  field: string, op: CmpOp, raw: unknown, path: Path, purposeValued: boolean, ctx: ConditionContext, problems: PathProblem[],
): CondNode | null {
  const list = op === 'in' || op === 'nin';
  const problemsBefore = problems.length;
  if (list && !Array.isArray(raw) && !isPlaceholderSyntax(raw)) {
    problems.push({ path, at: 'value', message: `$${op} on "${field}" takes a list, e.g. { $${op}: [a, b] }` });
  } else if (list && Array.isArray(raw) && raw.length === 0) {
    const meaning = op === 'in' ? 'matches no record: remove the rule' : 'matches every record: remove the comparison';
    problems.push({ path, at: 'value', message: `$${op} with an empty list on "${field}" ${meaning}` });
  } else if (!list && Array.isArray(raw)) {
    problems.push({ path, at: 'value', message: `a list is not a value for "${field}": write { $in: [...] }` });
  } else {
    for (const [i, v] of (Array.isArray(raw) ? raw.map((v, i) => [i, v] as const) : [[null, raw] as const])) {
      checkScalar(v, i === null ? path : [...path, i], purposeValued, ctx, problems);
    }
  }
  return problems.length > problemsBefore ? null : { kind: 'cmp', field, op, value: raw as CondValue };
}

function checkScalar(v: unknown, path: Path, purposeValued: boolean, ctx: ConditionContext, problems: PathProblem[]): void {
  if (isPlaceholderSyntax(v)) {
    const problem = placeholderProblem(v);
    if (problem) problems.push({ path, at: 'value', message: problem });
  } else if (!isScalarValue(v)) {
    problems.push({ path, at: 'value', message: 'a condition value is a string, number, boolean, null or placeholder' });
  } else if (purposeValued && typeof v === 'string' && !ctx.purposes.has(v)) {
    problems.push({ path, at: 'value', message: `unknown purpose "${v}": declare it in purposes.policy.yaml ${suggest(v, ctx.purposes)}` });
  }
}

function isScalarValue(v: unknown): v is Scalar {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}
