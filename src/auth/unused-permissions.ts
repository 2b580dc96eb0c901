/**
 * Least privilege from real use: which of the personal fields a principal's roles allow in PLAIN
 * it has not read in PLAIN within the window, and which of its roles it has not used at all. Pure:
 * the caller reads the principal's use from the audit trail (permission-usage.ts).
 *
 * A role counts as used when, on its own, it grants something the principal did in the window: a
 * field read at the decision recorded (MASKED needs MASKED or PLAIN, PLAIN needs PLAIN), or a
 * mutation run. A role that grants neither personal fields nor mutations (auditor: audit events,
 * principals) counts as used by any recorded request.
 */
import { abilityFor, matrix, type DecisionMatrix, type PolicySet } from '../policies/index.js';

/** What one principal did in the window, from the trail. */
export interface PrincipalUsage {
  /** `Type.field` → decisions it was returned in (`PLAIN`, `MASKED`). */
  fields: ReadonlyMap<string, ReadonlySet<string>>;
  /** Mutations it ran (ok or partial). */
  mutations: ReadonlySet<string>;
  /** Any recorded request at all. */
  requests: number;
}

export interface UnusedPlainField {
  field: string;
  /** The principal's roles that allow it in PLAIN. */
  roles: string[];
  /** Read MASKED in the window (so MASKED is what the work needs), or not read at all. */
  readMasked: boolean;
  suggestion: string;
}

export interface UnusedRole {
  role: string;
  suggestion: string;
}

export interface UnusedPermissions {
  days: number;
  plainFields: UnusedPlainField[];
  roles: UnusedRole[];
}

/** One line, e.g. `PLAIN→MASKED: Customer.email, Customer.phone; revoke: marketing`; '' when nothing is unused. */
export function unusedSummary(u: UnusedPermissions): string {
  return [
    u.plainFields.length ? `PLAIN→MASKED: ${u.plainFields.map((f) => f.field).join(', ')}` : null,
    u.roles.length ? `revoke: ${u.roles.map((x) => x.role).join(', ')}` : null,
  ].filter(Boolean).join('; ');
}

export const NO_USAGE: PrincipalUsage = { fields: new Map(), mutations: new Set(), requests: 0 };

const allowsPlain = (m: DecisionMatrix, role: string, field: string) => {
  const cell = m.cells[role]?.[field];
  return !!cell && (cell.decision === 'PLAIN' || (cell.decision === 'CONDITIONAL' && cell.text.includes('PLAIN')));
};
const allowsAny = (m: DecisionMatrix, role: string, field: string) => {
  const cell = m.cells[role]?.[field];
  return !!cell && cell.decision !== 'DENIED';
};

export class UnusedPermissionFinder {
  private readonly m: DecisionMatrix;

  constructor(private readonly set: PolicySet) {
    this.m = matrix(set, set.catalog);
  }

  find(principal: { id: string; roles: readonly string[]; teamId: string | null }, usage: PrincipalUsage, days: number): UnusedPermissions {
    const roles = principal.roles.filter((r) => this.set.roles.has(r));
    const plainFields: UnusedPlainField[] = [];
    for (const field of this.m.fields) {
      const granting = roles.filter((r) => allowsPlain(this.m, r, field));
      if (granting.length === 0 || usage.fields.get(field)?.has('PLAIN')) continue;
      const readMasked = usage.fields.get(field)?.has('MASKED') ?? false;
      plainFields.push({
        field,
        roles: granting,
        readMasked,
        suggestion: readMasked
          ? `read only MASKED in ${days} days: narrow ${field} to MASKED for ${granting.join(', ')}`
          : `not read in ${days} days: narrow ${field} to MASKED (or DENIED) for ${granting.join(', ')}`,
      });
    }
    const unusedRoles = roles.filter((r) => !this.roleUsed(principal, r, usage)).map((role) => ({ role, suggestion: `not used in ${days} days: revoke ${role}` }));
    return { days, plainFields, roles: unusedRoles };
  }

  private roleUsed(principal: { id: string; teamId: string | null }, role: string, usage: PrincipalUsage): boolean {
    for (const [field, decisions] of usage.fields) {
      if (decisions.has('PLAIN') && allowsPlain(this.m, role, field)) return true;
      if (decisions.has('MASKED') && allowsAny(this.m, role, field)) return true;
    }
    const ability = abilityFor(this.set, { id: principal.id, roles: [role], teamId: principal.teamId }, { purpose: null });
    const mutations = this.set.catalog.mutations.filter((name) => ability.canMutate(name));
    if ([...usage.mutations].some((name) => mutations.includes(name))) return true;
    const personal = this.m.fields.some((f) => allowsAny(this.m, role, f));
    return !personal && mutations.length === 0 && usage.requests > 0;
  }
}
