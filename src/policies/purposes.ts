/**
 * Purposes of use: the server refuses a request whose declared purpose is not in
 * purposes.policy.yaml, and a refusal that a purpose would lift says which one.
 */
import { abilityFor } from './ability/ability-for.js';
import type { KoeAbility } from './ability/koe-ability.js';
import type { PolicySet, PrincipalInput } from './model.js';

export function isDeclaredPurpose(set: PolicySet, purpose: string): boolean {
  return set.purposes.has(purpose);
}

/**
 * The first declared purpose (in file order), other than the one the request declared, under
 * which the same principal's own roles pass `lifts`; null when none does. It names only a purpose
 * the caller could use itself (what `me` would show under that header), never a role or a rule.
 */
export function liftingPurpose(set: PolicySet, principal: PrincipalInput, declared: string | null, lifts: (ability: KoeAbility) => boolean): string | null {
  for (const purpose of set.purposes.keys()) {
    if (purpose !== declared && lifts(abilityFor(set, principal, { purpose }))) return purpose;
  }
  return null;
}
