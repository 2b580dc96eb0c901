/**
 * The role x `@pii` field table of decisions that admins review in a pull request. Without a
 * purpose, rules bound to a purpose show as CONDITIONAL(… purpose in […]) rather than vanish.
 */
import { symbolicAbility } from '../ability/ability-for.js';
import { piiFields, type SchemaCatalog } from '../catalog.js';
import type { Decision, PolicySet } from '../model.js';
import { planText } from './describe-grants.js';

export interface MatrixCell {
  readonly decision: Decision | 'CONDITIONAL';
  /** What a reviewer reads, e.g. `MASKED(email)` or `CONDITIONAL(PLAIN if …; else MASKED(name))`. */
  readonly text: string;
}

export interface DecisionMatrix {
  readonly version: string;
  readonly purpose: string | null;
  readonly roles: readonly string[];
  /** `Type.field` of every `@pii` field, in catalog order. */
  readonly fields: readonly string[];
  readonly cells: Readonly<Record<string, Readonly<Record<string, MatrixCell>>>>;
}

/**
 * `purpose` null or left out: none given, so purpose-bound rules show as CONDITIONAL. (Not "a request
 * that declared none", which would show them DENIED: `koe policy matrix` once did, while the
 * `policyMatrix` query showed CONDITIONAL.) Both call this with the purpose they were given.
 */
export function matrix(set: PolicySet, catalog: SchemaCatalog, options: { purpose?: string | null } = {}): DecisionMatrix {
  const fields = piiFields(catalog);
  const cells: Record<string, Record<string, MatrixCell>> = {};
  for (const role of set.roles.keys()) {
    const ability = symbolicAbility(set, [role], options.purpose ?? undefined);
    const row: Record<string, MatrixCell> = {};
    for (const { type, field } of fields) {
      const plan = ability.fieldPlan(type, field);
      row[`${type}.${field}`] = {
        decision: plan.kind === 'static' ? plan.decision : 'CONDITIONAL',
        text: planText(plan, ability.grants(type, field), field),
      };
    }
    cells[role] = row;
  }
  return {
    version: set.version,
    purpose: options.purpose ?? null,
    roles: [...set.roles.keys()],
    fields: fields.map((f) => `${f.type}.${f.field}`),
    cells,
  };
}

export interface MatrixChange {
  readonly role: string;
  readonly field: string;
  /** null when the role or field did not exist on that side. */
  readonly before: string | null;
  readonly after: string | null;
}

/** Every cell whose text differs, including roles and fields that appeared or disappeared. */
export function diffMatrices(before: DecisionMatrix, after: DecisionMatrix): MatrixChange[] {
  const roles = [...new Set([...before.roles, ...after.roles])];
  const fields = [...new Set([...before.fields, ...after.fields])];
  const changes: MatrixChange[] = [];
  for (const role of roles) {
    for (const field of fields) {
      const b = before.cells[role]?.[field]?.text ?? null;
      const a = after.cells[role]?.[field]?.text ?? null;
      if (a !== b) changes.push({ role, field, before: b, after: a });
    }
  }
  return changes;
}
