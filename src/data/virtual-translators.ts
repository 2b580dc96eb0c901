/**
 * SQL for the policies' virtual attributes (see `src/policies/virtual-attributes.ts`): each becomes
 * a subquery on the relation that defines it, with the same meaning the in-memory check gives it.
 */
import { PushDownError, type CmpOp, type CondValue, type VirtualTranslator } from '../policies/index.js';

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

/** `restrictedPurposes` of a customer (use_restriction rows): "contains" is $some, its negation $none. */
function restrictionOf(name: string, op: CmpOp, value: CondValue): { some: boolean; purpose: object | string } {
  const values = Array.isArray(value) ? value : [value];
  if (!values.every((v): v is string => typeof v === 'string')) throw new PushDownError(`${name} compares with purpose ids only`);
  switch (op) {
    case 'eq':
    case 'ne':
      return { some: op === 'eq', purpose: values[0]! };
    case 'in':
    case 'nin':
      return { some: op === 'in', purpose: { $in: values } };
    default:
      throw new PushDownError(`${name} does not support $${op}`);
  }
}

const restrictedPurposes: VirtualTranslator = (op, value) => {
  const { some, purpose } = restrictionOf('restrictedPurposes', op, value);
  return { useRestrictions: { [some ? '$some' : '$none']: { purpose } } };
};

/** For rows owned by a customer: their customer's restrictions (the engine adds `restrictedPurposes ≠ P`). */
const customersRestriction: VirtualTranslator = (op, value) => ({ customer: restrictedPurposes(op, value) });

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
