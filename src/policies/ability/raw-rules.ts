/**
 * Turns compiled rules into CASL raw rules for one principal and purpose: placeholders replaced,
 * one CASL rule per condition branch, and a `read_row` rule beside every read rule so that row
 * visibility (and with it every non-`@pii` field) is one CASL question.
 */
import type { MongoQuery } from '@casl/ability';
import { and, type CondNode } from '../conditions/cond-node.js';
import { resolveConjunction, type PlaceholderResolver } from '../conditions/placeholders.js';
import { conjunctionToMongo } from '../conditions/to-mongo.js';
import type { CompiledRule } from '../model.js';

/** CASL action for "this row is visible": granted by every read or read_masked rule. */
export const READ_ROW = 'read_row';

/** What a CASL rule came from; reached through `Rule.origin`. */
export interface RuleMeta {
  readonly rule: CompiledRule;
  /** This branch's condition, placeholders resolved; null when unconditional. */
  readonly cond: CondNode | null;
  /** Equal keys mean equal conditions (used to prove a field PLAIN on every visible row). */
  readonly condKey: string;
  /** Set when the purpose is not known yet (matrix, explain): the rule needs one of these. */
  readonly needsPurpose: readonly string[] | null;
}

export interface KoeRawRule {
  readonly action: string;
  readonly subject: string;
  readonly fields?: string[];
  readonly conditions?: MongoQuery;
  readonly koe: RuleMeta;
}

/** `actual`: the request's purpose filters rules. `symbolic`: keep them and mark them conditional. */
export type PurposeMode = { readonly kind: 'actual'; readonly purpose: string | null } | { readonly kind: 'symbolic' };

/** The pseudo-field that makes purpose-bound rules conditional in symbolic abilities; no record has it. */
const PURPOSE_KEY = '@purpose';

export function buildRawRules(rules: readonly CompiledRule[], resolve: PlaceholderResolver, purpose: PurposeMode): KoeRawRule[] {
  const out: KoeRawRule[] = [];
  for (const rule of rules) {
    const needsPurpose = rule.purposes && purpose.kind === 'symbolic' ? rule.purposes : null;
    if (rule.purposes && purpose.kind === 'actual' && (purpose.purpose === null || !rule.purposes.includes(purpose.purpose))) continue;
    for (const branch of rule.branches) {
      const resolved = resolveConjunction(branch, resolve);
      if (!resolved) continue;
      let conditions = conjunctionToMongo(resolved) as MongoQuery | undefined;
      if (needsPurpose) conditions = { ...conditions, [PURPOSE_KEY]: { $in: [...needsPurpose] } } as MongoQuery;
      const koe: RuleMeta = { rule, cond: resolved.length ? and(resolved) : null, condKey: JSON.stringify(conditions ?? null), needsPurpose };
      const base = { subject: rule.type, koe, ...(conditions ? { conditions } : {}) };
      const isRead = rule.action === 'read' || rule.action === 'read_masked';
      if (!isRead || rule.fields.length) out.push({ ...base, action: rule.action, fields: [...rule.fields] });
      if (isRead) out.push({ ...base, action: READ_ROW });
    }
  }
  return out;
}
