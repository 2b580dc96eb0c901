/**
 * Cessation of use (APPI Art. 35): once the DPO restricts a customer for a purpose, a request that
 * is judged under that purpose sees neither the customer nor the rows that belong to them, whatever
 * the roles' rules say. It is one condition AND-ed into the row filter of every customer-owned type,
 * so lists, counts, loaders and references all lose the rows, and `decide` denies any such record
 * that reaches it another way.
 *
 * A request is judged under the purpose it declares (`X-Koe-Purpose`) AND the purpose each of its
 * roles serves (`defaultPurpose:` in the policy): the header can add restrictions, never drop one, so
 * marketing staff leaving the header out (or declaring `compliance`) are still bound by a marketing
 * restriction. A role without a default purpose is bound by every restriction (fail closed). A
 * principal with several roles is bound by the restrictions of each: the roles' grants are merged
 * into one ability, so a narrower bind would let one role's rows leak through another's purpose.
 * Default purposes bind; they never grant: a rule's `purposes:` still needs the declared header.
 * `compliance` is never restricted (the DPO must still be able to disclose and erase), here and in
 * `restrictUse`.
 */
import type { CondNode } from '../conditions/cond-node.js';

/** The virtual attribute every restricted type carries (see virtual-attributes.ts). */
export const RESTRICTED_PURPOSES = 'restrictedPurposes';

/** The types whose rows are the customer's; Feedback without a customer is never restricted. */
export const RESTRICTED_TYPES: ReadonlySet<string> = new Set(['Customer', 'Feedback', 'Purchase', 'Consent']);

/** Purposes a restriction may not name, and under which restrictions do not apply. */
export const UNRESTRICTABLE_PURPOSES: readonly string[] = ['compliance'];

/**
 * The purposes whose restrictions bind a request, sorted: the declared one and each role's default
 * (`null` for a role without one: every purpose in `all`), less those that cannot be restricted.
 */
export function bindingPurposes(declared: string | null, roleDefaults: readonly (string | null)[], all: Iterable<string>): string[] {
  const out = new Set<string>();
  if (declared !== null) out.add(declared);
  for (const d of roleDefaults) {
    if (d !== null) out.add(d);
    else for (const p of all) out.add(p);
  }
  return [...out].filter((p) => !UNRESTRICTABLE_PURPOSES.includes(p)).sort();
}

/** `restrictedPurposes` holds none of `purposes` (a list attribute); null when nothing binds or the type is not restricted. */
export function restrictionCond(type: string, purposes: readonly string[]): CondNode | null {
  if (purposes.length === 0 || !RESTRICTED_TYPES.has(type)) return null;
  return purposes.length === 1
    ? { kind: 'cmp', field: RESTRICTED_PURPOSES, op: 'ne', value: purposes[0]! }
    : { kind: 'cmp', field: RESTRICTED_PURPOSES, op: 'nin', value: [...purposes] };
}

/** In memory: a record carrying the attribute is restricted when it lists any of the purposes. */
export function isRestricted(type: string, record: object, purposes: readonly string[]): boolean {
  if (purposes.length === 0 || !RESTRICTED_TYPES.has(type)) return false;
  return restrictedForAny(record, purposes);
}

/**
 * `isRestricted` once the type and the purposes are known to bind: what is left per record. Runs
 * for every guarded field of every record, hence loops: a `some` callback closing over the record's
 * list was a closure per call (~100 bytes, 600 per customers page).
 */
export function restrictedForAny(record: object, purposes: readonly string[]): boolean {
  const value = (record as Record<string, unknown>)[RESTRICTED_PURPOSES];
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < purposes.length; i++) if (value.includes(purposes[i])) return true;
  return false;
}
