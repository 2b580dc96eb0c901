/**
 * For `koe schema --role`: what a role can never see or call, under any purpose or record, so the
 * server can print a schema without it (BI tools then do not even find the mutations).
 */
import { symbolicAbility } from '../ability/ability-for.js';
import { MUTATION_TYPE, type PolicySet } from '../model.js';

export interface SchemaFilter {
  readonly role: string;
  readonly knownRole: boolean;
  /** Types without any readable row. */
  readonly deniedTypes: readonly string[];
  /** `Type.field` DENIED for every record and purpose (all fields of denied types included). */
  readonly deniedFields: readonly string[];
  readonly unavailableMutations: readonly string[];
}

export function schemaFilterFor(set: PolicySet, role: string): SchemaFilter {
  const ability = symbolicAbility(set, [role]);
  const deniedTypes: string[] = [];
  const deniedFields: string[] = [];
  for (const type of Object.values(set.catalog.types)) {
    if (!ability.canReadType(type.name)) deniedTypes.push(type.name);
    for (const field of Object.keys(type.fields)) {
      const plan = ability.fieldPlan(type.name, field);
      if (plan.kind === 'static' && plan.decision === 'DENIED') deniedFields.push(`${type.name}.${field}`);
    }
  }
  // Any rule, even one bound to a purpose, makes the mutation exist for the role.
  const unavailableMutations = set.catalog.mutations.filter((m) => ability.casl.rulesFor('execute', MUTATION_TYPE, m).length === 0);
  return { role, knownRole: set.roles.has(role), deniedTypes, deniedFields, unavailableMutations };
}
