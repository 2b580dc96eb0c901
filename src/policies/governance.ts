/**
 * Separation of duties and privileged roles, decided on role names alone: which rules a set of
 * roles breaks, and which roles need a second admin to grant. Roles count with everything they
 * inherit, so a role that includes admin's rules is judged as admin. Pure: the grant workflow
 * (src/auth) and the access review ask here.
 */
import type { PolicySet, SodRule } from './model.js';

/** The roles held, with every role they inherit; unknown roles count as themselves. */
export function effectiveRoles(set: PolicySet, roles: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const visit = (r: string) => {
    if (out.has(r)) return;
    out.add(r);
    for (const parent of set.roles.get(r)?.inherits ?? []) visit(parent);
  };
  for (const r of roles) visit(r);
  return out;
}

/** Every separation-of-duties rule that these roles, held together, break. */
export function dutyConflicts(set: PolicySet, roles: Iterable<string>): SodRule[] {
  const held = effectiveRoles(set, roles);
  return set.governance.separationOfDuties.filter((rule) => rule.roles.every((r) => held.has(r)));
}

/** The rules that adding `role` to `held` would break and that `held` alone does not already. */
export function grantConflicts(set: PolicySet, held: readonly string[], role: string): SodRule[] {
  const before = new Set(dutyConflicts(set, held));
  return dutyConflicts(set, [...held, role]).filter((rule) => !before.has(rule));
}

/** Whether granting `role` needs a second admin's approval (unknown roles are refused elsewhere). */
export function isPrivilegedRole(set: PolicySet, role: string): boolean {
  return set.roles.get(role)?.privileged ?? false;
}

/** `admin + dpo (access.policy.yaml:4: why)`: how refusals and warnings cite a rule. */
export function describeDutyRule(rule: SodRule): string {
  return `${rule.roles.join(' + ')} (${rule.source.file.split('/').at(-1)}:${rule.source.line}: ${rule.reason})`;
}
