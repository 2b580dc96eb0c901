/** Loading the policy files against the schema the gateway exposes, and turning them into per-request access. */
import type { AuthenticatedPrincipal } from '../request/principal.js';
import { abilityFor, isDeclaredPurpose, loadPolicySet, type PolicySet, type SchemaCatalog } from '../policies/index.js';
import { PolicyAccess } from '../resolvers/policy-access.js';
import { BadUserInputError } from '../request/errors.js';
import { catalogOf } from '../schema/catalog.js';
import { apiSchema } from './api-schema.js';

export { policyDir } from '../config/index.js';

let catalog: Promise<SchemaCatalog> | null = null;

export function apiCatalog(): Promise<SchemaCatalog> {
  return (catalog ??= apiSchema().then(catalogOf));
}

/** Throws a PolicyError naming file, line and problem: a bad policy stops start-up, never half-loads. */
export async function loadPolicy(dir: string): Promise<PolicySet> {
  return loadPolicySet(dir, await apiCatalog());
}

export function accessFromPolicy(policy: PolicySet): (p: AuthenticatedPrincipal, purpose: string | null) => PolicyAccess {
  return (principal, purpose) => {
    if (purpose !== null && !isDeclaredPurpose(policy, purpose)) {
      const err = new BadUserInputError('X-Koe-Purpose', `"${purpose}" is not a purpose declared in the policy files`);
      Object.assign(err.extensions, { http: { status: 400 } });
      throw err;
    }
    return new PolicyAccess(abilityFor(policy, principal, { purpose }), policy, { principal, purpose });
  };
}
