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

export const VIRTUAL_TRANSLATORS: Readonly<Record<string, Readonly<Record<string, VirtualTranslator>>>> = {
  Customer: { consentedPurposes },
};
