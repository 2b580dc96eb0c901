/**
 * SQL for the policies' virtual attributes (see `src/policies/virtual-attributes.ts`): each becomes
 * a subquery on the relation that defines it, with the same meaning the in-memory check gives it.
 * Reads compute a virtual attribute's column only for callers whose rules test it (`virtualsTested`).
 */
import { raw } from '@mikro-orm/postgresql';
import { PushDownError, VIRTUAL_ATTRIBUTES, type CmpOp, type CondNode, type CondValue, type PolicySet, type VirtualTranslator } from '../policies/index.js';

function activeConsent(purpose: object | string): object {
  return { consents: { $some: { purpose, withdrawnAt: null } } };
}

function listOf(value: CondValue): string[] {
  const values = Array.isArray(value) ? value : [value];
  if (!values.every((v): v is string => typeof v === 'string')) throw new PushDownError('consentedPurposes compares with purpose ids only');
  return values;
}

const consentedPurposes: VirtualTranslator = (op: CmpOp, value: CondValue) => {
  switch (op) {
    case 'eq':
      return activeConsent(listOf(value)[0]!);
    case 'in':
      return activeConsent({ $in: listOf(value) });
    case 'ne':
      return { consents: { $none: { purpose: listOf(value)[0]!, withdrawnAt: null } } };
    case 'nin':
      return { consents: { $none: { purpose: { $in: listOf(value) }, withdrawnAt: null } } };
    default:
      throw new PushDownError(`consentedPurposes does not support $${op}`);
  }
};

/** `restrictedPurposes` of a customer (use_restriction rows): "contains" is membership in the restricted ids. */
function restrictionOf(name: string, op: CmpOp, value: CondValue): { some: boolean; purposes: string[] } {
  const values = Array.isArray(value) ? value : [value];
  if (!values.every((v): v is string => typeof v === 'string')) throw new PushDownError(`${name} compares with purpose ids only`);
  switch (op) {
    case 'eq':
    case 'ne':
      return { some: op === 'eq', purposes: [values[0]!] };
    case 'in':
    case 'nin':
      return { some: op === 'in', purposes: values };
    default:
      throw new PushDownError(`${name} does not support $${op}`);
  }
}

/**
 * `<customer id column> [not] in (ids restricted for the purposes)`: one uncorrelated subquery on
 * use_restriction_purpose_idx that PostgreSQL hashes once per statement, with no join to customer
 * (a join there read the whole customer table for every feedback page). customer_id is part of the
 * primary key, never null, so `not in` means exactly "no restriction row". A raw value, not a raw
 * key: MikroORM consumes a raw key on first use, and row conditions are cached per ability.
 */
function restrictedIds(op: CmpOp, value: CondValue): object {
  const { some, purposes } = restrictionOf('restrictedPurposes', op, value);
  if (purposes.length === 0) return some ? { $in: [] } : { $nin: [] };
  const ids = raw(`select customer_id from use_restriction where purpose in (${purposes.map(() => '?').join(', ')})`, purposes);
  return { [some ? '$in' : '$nin']: ids };
}

const restrictedPurposes: VirtualTranslator = (op, value) => ({ id: restrictedIds(op, value) });

/** For rows owned by a customer: their customer's restrictions (the engine adds `restrictedPurposes ≠ P`). */
const customersRestriction: VirtualTranslator = (op, value) => ({ customer: restrictedIds(op, value) });

/** Feedback may have no customer: such feedback is never restricted (a missing list contains nothing). */
const feedbackRestriction: VirtualTranslator = (op, value) => {
  const { some } = restrictionOf('restrictedPurposes', op, value);
  const onCustomer = customersRestriction(op, value);
  return some ? onCustomer : { $or: [{ customer: null }, onCustomer] };
};

export const VIRTUAL_TRANSLATORS: Readonly<Record<string, Readonly<Record<string, VirtualTranslator>>>> = {
  Customer: { consentedPurposes, restrictedPurposes },
  Feedback: { restrictedPurposes: feedbackRestriction },
  Purchase: { restrictedPurposes: customersRestriction },
  Consent: { restrictedPurposes: customersRestriction },
};

/** Fields and placeholder values a condition names. */
function* namesIn(cond: CondNode): Generator<string> {
  if (cond.kind === 'cmp') {
    yield cond.field;
    for (const v of Array.isArray(cond.value) ? cond.value : [cond.value]) if (typeof v === 'string' && v.startsWith('$')) yield v;
  } else if (cond.kind === 'not') yield* namesIn(cond.item);
  else for (const item of cond.items) yield* namesIn(item);
}

const tested = new WeakMap<PolicySet, Map<string, readonly string[]>>();

/**
 * The record attributes (fields and virtual attributes of `type`) that these roles' decisions in
 * memory read: those a rule on the type tests in `when:`, whatever its purpose (a refusal's hint
 * asks the other purposes' abilities). `restrictedPurposes` is also kept where a rule depends on the
 * purpose (`purposes:` or `$request.purpose`): those abilities' restrictions differ from the
 * request's and are checked on the record. A read that selects columns must include these.
 */
export function attributesTested(policy: PolicySet, roles: readonly string[], type: string): readonly string[] {
  let byKey = tested.get(policy);
  if (!byKey) tested.set(policy, (byKey = new Map()));
  const key = `${type}|${roles.join(',')}`;
  let out = byKey.get(key);
  if (out) return out;
  const names = new Set<string>();
  for (const role of roles) {
    for (const rule of policy.roles.get(role)?.rules ?? []) {
      if (rule.type !== type) continue;
      const used = rule.when ? [...namesIn(rule.when)] : [];
      for (const name of used) if (!name.startsWith('$')) names.add(name);
      if ((rule.purposes !== null || used.includes('$request.purpose')) && VIRTUAL_ATTRIBUTES[type]?.restrictedPurposes) names.add('restrictedPurposes');
    }
  }
  out = [...names].sort();
  byKey.set(key, out);
  return out;
}

const virtuals = new WeakMap<readonly string[], readonly string[]>();

/**
 * The virtual attributes of `type` that a record must carry for these roles' decisions in memory
 * (see `attributesTested`). Row conditions (use restrictions included) are SQL, so a read never
 * needs the attribute for them.
 */
export function virtualsTested(policy: PolicySet, roles: readonly string[], type: string): readonly string[] {
  const forType = VIRTUAL_ATTRIBUTES[type];
  if (!forType) return [];
  const attributes = attributesTested(policy, roles, type);
  let out = virtuals.get(attributes);
  if (!out) virtuals.set(attributes, (out = Object.keys(forType).filter((v) => attributes.includes(v))));
  return out;
}
