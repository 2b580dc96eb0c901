/**
 * Words for decisions: how matrices, diffs and explanations show a rule and a field's outcome,
 * following the same order `decide` uses (PLAIN rules first, then MASKED rules by priority).
 */
import type { FieldGrants, FieldPlan } from '../ability/koe-ability.js';
import type { RuleMeta } from '../ability/raw-rules.js';
import { condToString } from '../conditions/cond-node.js';
import { formatLoc } from '../errors.js';
import type { CompiledRule, MaskSpec } from '../model.js';

/** A rule as tools show it: who declared it, where, and when it applies. */
export interface RuleRef {
  readonly role: string;
  /** `file:line:col` of the rule in its policy file. */
  readonly at: string;
  readonly type: string;
  readonly action: CompiledRule['action'];
  /** The branch's condition in words; null when it applies to every record. */
  readonly when: string | null;
}

export function ruleRef(meta: RuleMeta): RuleRef {
  return { role: meta.rule.role, at: formatLoc(meta.rule.source), type: meta.rule.type, action: meta.rule.action, when: conditionText(meta) };
}

export function conditionText(meta: RuleMeta): string | null {
  const parts: string[] = [];
  if (meta.cond) parts.push(condToString(meta.cond));
  if (meta.needsPurpose) parts.push(`purpose in [${meta.needsPurpose.join(', ')}]`);
  return parts.length ? parts.join(' and ') : null;
}

export function maskText(spec: MaskSpec | undefined): string {
  if (!spec) return 'MASKED';
  return `MASKED(${spec.alias ? `${spec.alias}:${spec.masker}` : spec.masker})`;
}

/** `PLAIN`, `MASKED(email)`, `DENIED` or `CONDITIONAL(PLAIN if …; else MASKED(email))`. */
export function planText(plan: FieldPlan, grants: FieldGrants, field: string): string {
  if (plan.kind === 'static') {
    if (plan.decision !== 'MASKED') return plan.decision;
    return maskText(grants.masked[0]?.rule.masks[field]);
  }
  const parts: string[] = [];
  const plainWhen = [...new Set(grants.plain.map(conditionText).filter((t): t is string => t !== null))];
  if (plainWhen.length) parts.push(`PLAIN if ${plainWhen.join(' or ')}`);
  let otherwise = 'DENIED';
  for (const m of grants.masked) {
    const when = conditionText(m);
    if (when === null) {
      otherwise = maskText(m.rule.masks[field]);
      break;
    }
    parts.push(`${maskText(m.rule.masks[field])} if ${when}`);
  }
  parts.push(`else ${otherwise}`);
  return `CONDITIONAL(${parts.join('; ')})`;
}
