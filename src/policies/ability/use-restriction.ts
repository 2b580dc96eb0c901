/**
 * Cessation of use (APPI Art. 35): once the DPO restricts a customer for a purpose, a request that
 * declares that purpose sees neither the customer nor the rows that belong to them, whatever the
 * roles' rules say. It is one condition AND-ed into the row filter of every customer-owned type,
 * so lists, counts, loaders and references all lose the rows, and `decide` denies any such record
 * that reaches it another way. Requests without a declared purpose are untouched: the rules'
 * `purposes:` decide what those may do. `compliance` is never restricted (the DPO must still be
 * able to disclose and erase), here and in `restrictUse`.
 */
import type { CondNode } from '../conditions/cond-node.js';

/** The virtual attribute every restricted type carries (see virtual-attributes.ts). */
export const RESTRICTED_PURPOSES = 'restrictedPurposes';

/** The types whose rows are the customer's; Feedback without a customer is never restricted. */
export const RESTRICTED_TYPES: ReadonlySet<string> = new Set(['Customer', 'Feedback', 'Purchase', 'Consent']);

/** Purposes a restriction may not name, and under which restrictions do not apply. */
export const UNRESTRICTABLE_PURPOSES: readonly string[] = ['compliance'];

/** The purpose whose restrictions apply to a request, or null when none do. */
export function restrictingPurpose(purpose: string | null): string | null {
  return purpose !== null && !UNRESTRICTABLE_PURPOSES.includes(purpose) ? purpose : null;
}

/** `restrictedPurposes ≠ purpose` (a list: "does not contain"); null when the type is not restricted. */
export function restrictionCond(type: string, purpose: string | null): CondNode | null {
  if (purpose === null || !RESTRICTED_TYPES.has(type)) return null;
  return { kind: 'cmp', field: RESTRICTED_PURPOSES, op: 'ne', value: purpose };
}

/** In memory: a record carrying the attribute is restricted when it lists the purpose. */
export function isRestricted(type: string, record: object, purpose: string | null): boolean {
  if (purpose === null || !RESTRICTED_TYPES.has(type)) return false;
  const value = (record as Record<string, unknown>)[RESTRICTED_PURPOSES];
  return Array.isArray(value) && value.includes(purpose);
}
