/**
 * Builds (or reuses) the ability of a principal for a request. Abilities are cached inside the
 * PolicySet by everything that can change a decision: known roles, purpose, and the values of
 * the placeholders the policy actually uses. Unknown roles add nothing and never throw.
 */
import { createMongoAbility, type MongoQuery } from '@casl/ability';
import type { AbilityTuple, RawRuleFrom } from '@casl/ability';
import { placeholderValue, type PlaceholderResolver, type PlaceholderValues } from '../conditions/placeholders.js';
import type { CompiledRule, PolicySet, PrincipalInput, RequestInput } from '../model.js';
import { KoeAbility, type CaslAbility } from './koe-ability.js';
import { buildRawRules, type PurposeMode } from './raw-rules.js';
import { bindingPurposes } from './use-restriction.js';

const NO_ATTRIBUTES: Readonly<Record<string, unknown>> = Object.freeze({});

export function abilityFor(set: PolicySet, principal: PrincipalInput, request: RequestInput): KoeAbility {
  const roles = knownRoles(set, principal.roles);
  const values: PlaceholderValues = {
    id: principal.id, teamId: principal.teamId, attributes: principal.attributes ?? NO_ATTRIBUTES, purpose: request.purpose,
  };
  const resolve: PlaceholderResolver = (p) => placeholderValue(p, values);
  // Only values the rules read go into the key, so principals that differ elsewhere share one ability.
  const key = JSON.stringify([roles, request.purpose, set.placeholders.map(resolve)]);
  let ability = set.abilities.get(key);
  if (!ability) {
    ability = buildAbility(set, roles, resolve, { kind: 'actual', purpose: request.purpose });
    set.abilities.set(key, ability);
  }
  return ability;
}

/**
 * An ability for tools (matrix, explain, schema filter) that decides without a principal:
 * placeholders stand for themselves and, without a purpose, purpose-bound rules stay conditional.
 */
export function symbolicAbility(set: PolicySet, roles: readonly string[], purpose?: string | null): KoeAbility {
  const mode: PurposeMode = purpose === undefined ? { kind: 'symbolic' } : { kind: 'actual', purpose };
  return buildAbility(set, knownRoles(set, roles), (p) => p, mode);
}

export function buildAbility(set: PolicySet, roles: readonly string[], resolve: PlaceholderResolver, purpose: PurposeMode): KoeAbility {
  const seen = new Set<number>();
  const rules: CompiledRule[] = [];
  for (const role of roles) {
    for (const rule of set.roles.get(role)!.rules) {
      // Two roles inheriting the same parent would otherwise add its rules twice.
      if (!seen.has(rule.id)) {
        seen.add(rule.id);
        rules.push(rule);
      }
    }
  }
  const raw = buildRawRules(rules, resolve, purpose) as unknown as RawRuleFrom<AbilityTuple, MongoQuery>[];
  const casl: CaslAbility = createMongoAbility<AbilityTuple, MongoQuery>(raw);
  const readOnly = roles.every((r) => set.roles.get(r)!.readOnly);
  // Tools deciding without a request (symbolic) know no restriction; a request is bound by its roles' purposes too.
  const binding = purpose.kind === 'actual' ? bindingPurposes(purpose.purpose, roles.map((r) => set.roles.get(r)!.defaultPurpose), set.purposes.keys()) : [];
  return new KoeAbility(casl, set.catalog, roles, readOnly, binding);
}

function knownRoles(set: PolicySet, roles: readonly string[]): string[] {
  return [...new Set(roles.filter((r) => set.roles.has(r)))].sort();
}
