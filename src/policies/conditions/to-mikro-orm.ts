/**
 * Translates a resolved CondNode into a MikroORM FilterQuery-shaped plain object with the same
 * meaning CASL gives it in memory (a missing value is "not equal" to anything), so SQL never
 * returns a row that the field decisions would then treat differently. Pure: no MikroORM import.
 */
import { VIRTUAL_ATTRIBUTES } from '../virtual-attributes.js';
import type { CmpNode, CmpOp, CondNode, CondValue, Scalar } from './cond-node.js';

/** Builds the filter for one comparison on a virtual attribute (e.g. a join on consents). */
export type VirtualTranslator = (op: CmpOp, value: CondValue) => object;

/** A condition the data layer cannot express: the query must fail rather than return rows. */
export class PushDownError extends Error {
  override readonly name = 'PushDownError';
}

const VIRTUAL_NAMES: ReadonlySet<string> = new Set(Object.values(VIRTUAL_ATTRIBUTES).flatMap((v) => Object.keys(v)));

export function condToMikroOrmWhere(cond: CondNode, virtuals: Readonly<Record<string, VirtualTranslator>> = {}): object {
  switch (cond.kind) {
    case 'cmp':
      return comparison(cond, virtuals);
    case 'and':
      return cond.items.length === 1 ? condToMikroOrmWhere(cond.items[0]!, virtuals) : { $and: cond.items.map((i) => condToMikroOrmWhere(i, virtuals)) };
    case 'or':
      // An empty OR matches nothing, and MikroORM would drop it (matching everything): refuse.
      if (cond.items.length === 0) throw new PushDownError('an empty $or matches no row; the caller must return no rows instead of querying');
      return cond.items.length === 1 ? condToMikroOrmWhere(cond.items[0]!, virtuals) : { $or: cond.items.map((i) => condToMikroOrmWhere(i, virtuals)) };
    case 'not':
      return { $not: condToMikroOrmWhere(cond.item, virtuals) };
  }
}

function comparison(c: CmpNode, virtuals: Readonly<Record<string, VirtualTranslator>>): object {
  const translate = Object.hasOwn(virtuals, c.field) ? virtuals[c.field] : undefined;
  if (translate) return translate(c.op, c.value);
  if (VIRTUAL_NAMES.has(c.field)) {
    throw new PushDownError(`no SQL translator for the virtual attribute "${c.field}": pass one in condToMikroOrmWhere(cond, { ${c.field}: (op, value) => … })`);
  }
  const f = c.field;
  const v = c.value;
  switch (c.op) {
    case 'eq':
      return { [f]: v };
    case 'ne':
      return v === null ? { [f]: { $ne: null } } : { $or: [{ [f]: { $ne: v } }, { [f]: null }] };
    case 'in': {
      const { values, hasNull } = splitNull(v);
      const inList = { [f]: { $in: values } };
      return hasNull ? (values.length ? { $or: [inList, { [f]: null }] } : { [f]: null }) : inList;
    }
    case 'nin': {
      const { values, hasNull } = splitNull(v);
      if (hasNull) return values.length ? { [f]: { $nin: values, $ne: null } } : { [f]: { $ne: null } };
      return values.length ? { $or: [{ [f]: { $nin: values } }, { [f]: null }] } : {};
    }
    default:
      return { [f]: { [`$${c.op}`]: v } };
  }
}

function splitNull(v: CondValue): { values: Scalar[]; hasNull: boolean } {
  const list = Array.isArray(v) ? (v as readonly Scalar[]) : [v as Scalar];
  return { values: list.filter((x) => x !== null), hasNull: list.includes(null) };
}
