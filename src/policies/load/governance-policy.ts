/**
 * Compiles `separationOfDuties:` and `grantApproval:` (access.policy.yaml) after the schema passed.
 * Every role a rule names must exist, and no single role may already break a rule through its
 * `inherits` (granting it would hand out both halves at once). Problems carry file:line.
 */
import type { Problem } from '../errors.js';
import type { GovernancePolicy, SodRule } from '../model.js';
import { suggest } from '../suggest.js';
import { parseDuration } from './audit-policy.js';
import type { RawRole } from './declarations.js';
import { locate, type ParsedFile } from './yaml-source.js';

/** Three days: long enough for a second admin in another time zone, short enough to be stale. */
export const DEFAULT_GRANT_APPROVAL_TTL = 72 * 3600;

interface RawGovernance {
  separationOfDuties?: Array<{ roles: string[]; reason: string }>;
  grantApproval?: { expiresAfter: string };
}

export function compileGovernancePolicy(files: readonly ParsedFile[], roles: ReadonlyMap<string, RawRole>, problems: Problem[]): GovernancePolicy {
  const rules: SodRule[] = [];
  let ttl = DEFAULT_GRANT_APPROVAL_TTL;
  let ttlFrom: string | null = null;
  for (const file of files) {
    const data = file.data as RawGovernance;
    (data.separationOfDuties ?? []).forEach((raw, i) => {
      const unknown = raw.roles.map((r, j) => [r, j] as const).filter(([r]) => !roles.has(r));
      for (const [r, j] of unknown) {
        problems.push({ loc: locate(file, ['separationOfDuties', i, 'roles', j]), message: `unknown role "${r}" in separationOfDuties ${suggest(r, roles.keys(), 'roles')}` });
      }
      if (unknown.length === 0) rules.push({ roles: [...raw.roles], reason: raw.reason, source: locate(file, ['separationOfDuties', i]) });
    });
    if (data.grantApproval) {
      if (ttlFrom) problems.push({ loc: locate(file, ['grantApproval'], 'key'), message: `"grantApproval:" is declared twice (first in ${ttlFrom}): keep one` });
      ttlFrom ??= file.source.path;
      ttl = parseDuration(data.grantApproval.expiresAfter);
    }
  }
  for (const role of roles.values()) {
    const holds = inheritedClosure(role.name, roles);
    for (const rule of rules) {
      if (rule.roles.every((r) => holds.has(r))) {
        problems.push({
          loc: role.source,
          message: `role "${role.name}" holds ${rule.roles.join(' + ')} through inherits, which separationOfDuties at ${rule.source.file}:${rule.source.line} forbids together: split the role`,
        });
      }
    }
  }
  return { separationOfDuties: rules, grantApprovalTtl: ttl };
}

/** The role and every role it inherits, directly or not. */
function inheritedClosure(name: string, roles: ReadonlyMap<string, RawRole>): Set<string> {
  const out = new Set<string>();
  const visit = (r: string) => {
    if (out.has(r) || !roles.has(r)) return;
    out.add(r);
    for (const parent of roles.get(r)!.body.inherits ?? []) visit(parent);
  };
  visit(name);
  return out;
}
