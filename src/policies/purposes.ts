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

/** The principal's ability under each declared purpose (file order) other than the one the request declared. */
export function otherPurposeAbilities(set: PolicySet, principal: PrincipalInput, declared: string | null): Array<readonly [string, KoeAbility]> {
  return [...set.purposes.keys()].filter((p) => p !== declared).map((purpose) => [purpose, abilityFor(set, principal, { purpose })] as const);
}

/**
 * The first of those purposes under which the principal's own roles pass `lifts`; null when none
 * does. It names only a purpose the caller could use itself (what `me` would show under that
 * header), never a role or a rule.
 */
export function liftingPurpose(others: ReadonlyArray<readonly [string, KoeAbility]>, lifts: (ability: KoeAbility) => boolean): string | null {
  return others.find(([, ability]) => lifts(ability))?.[0] ?? null;
}
