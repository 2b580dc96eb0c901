/**
 * Answers "why does this role see Type.field like that?" with the decision and the rule, file and
 * line that made it. Without a record it explains the plan; with one, that record's decision.
 */
import { buildAbility, symbolicAbility } from '../ability/ability-for.js';
import type { KoeAbility } from '../ability/koe-ability.js';
import { catalogField } from '../catalog-lookup.js';
import { placeholderValue } from '../conditions/placeholders.js';
import type { MaskerName } from '../maskers/index.js';
import type { Decision, PolicySet } from '../model.js';
import { planText, ruleRef, type RuleRef } from './describe-grants.js';

export interface ExplainOptions {
  /** A record to decide on; without one the answer may be CONDITIONAL. */
  readonly record?: Readonly<Record<string, unknown>>;
  /** Without a purpose, purpose-bound rules count as conditional. */
  readonly purpose?: string | null;
  /** Without a principal, `$principal.…` placeholders stay symbolic and match no record. */
  readonly principal?: { readonly id?: string; readonly teamId?: string | null; readonly attributes?: Readonly<Record<string, unknown>> };
}

export interface Explanation {
  readonly role: string;
  readonly field: string;
  readonly decision: Decision | 'CONDITIONAL';
  readonly masker: MaskerName | null;
  /** The rule that decided; null when nothing granted the field (fail closed) or it depends on the record. */
  readonly rule: RuleRef | null;
  /** Every rule that could decide the field for this role, highest priority first. */
  readonly candidates: readonly RuleRef[];
  readonly summary: string;
}

export function explain(set: PolicySet, role: string, typeField: string, options: ExplainOptions = {}): Explanation {
  const [type = '', field = ''] = typeField.split('.');
  const base = { role, field: typeField };
  if (!set.roles.has(role)) {
    return { ...base, decision: 'DENIED', masker: null, rule: null, candidates: [], summary: `unknown role "${role}": it contributes nothing, so everything is DENIED` };
  }
  if (!catalogField(set.catalog, type, field)) {
    return { ...base, decision: 'DENIED', masker: null, rule: null, candidates: [], summary: `unknown field "${typeField}": DENIED` };
  }
  const ability = abilityForExplain(set, role, options);
  const grants = ability.grants(type, field);
  const candidates = [...grants.plain, ...grants.masked].map(ruleRef);
  if (options.record) {
    const { result, rule } = ability.decideWithRule(type, { ...options.record }, field);
    const by = rule ? `by the ${ruleRef(rule).role} rule at ${ruleRef(rule).at}` : 'because no rule matched this record (fail closed)';
    return { ...base, decision: result.decision, masker: result.masker, rule: rule && ruleRef(rule), candidates, summary: `${result.decision} ${by}` };
  }
  const plan = ability.fieldPlan(type, field);
  const text = planText(plan, grants, field);
  if (plan.kind === 'conditional') return { ...base, decision: 'CONDITIONAL', masker: null, rule: null, candidates, summary: `${text}: depends on the record` };
  const deciding = plan.decision === 'PLAIN' ? grants.plain.find((m) => m.condKey === 'null') : plan.decision === 'MASKED' ? grants.masked[0] : undefined;
  const by = deciding ? `by the ${deciding.rule.role} rule at ${ruleRef(deciding).at}` : `because no rule of "${role}" grants it (fail closed)`;
  return { ...base, decision: plan.decision, masker: plan.masker, rule: deciding ? ruleRef(deciding) : null, candidates, summary: `${text} ${by}` };
}

function abilityForExplain(set: PolicySet, role: string, options: ExplainOptions): KoeAbility {
  const p = options.principal;
  if (!p) return symbolicAbility(set, [role], options.purpose);
  const values = { id: p.id ?? 'explain', teamId: p.teamId ?? null, attributes: p.attributes ?? {}, purpose: options.purpose ?? null };
  return buildAbility(set, [role], (ph) => placeholderValue(ph, values), options.purpose === undefined ? { kind: 'symbolic' } : { kind: 'actual', purpose: options.purpose });
}
