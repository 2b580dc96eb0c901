/**
 * Checks one YAML rule against the catalog and compiles it into one CompiledRule per
 * (type, action). Every problem is reported, with a suggestion when a name is close to a known one.
 */
import type { SchemaCatalog, TypeInfo } from '../catalog.js';
import type { CondNode } from '../conditions/cond-node.js';
import { toDnf, type Dnf } from '../conditions/dnf.js';
import { parseCondition, type Path, type PathProblem } from '../conditions/parse-condition.js';
import { DEFAULT_MASKER, isMaskerName, MASKER_NAMES } from '../maskers/index.js';
import { MUTATION_TYPE, POLICY_ACTIONS, type CompiledRule, type MaskerAliasDef, type MaskSpec, type PolicyAction } from '../model.js';
import { suggest } from '../suggest.js';
import type { RawRule } from './declarations.js';

export interface RuleContext {
  readonly catalog: SchemaCatalog;
  readonly purposes: ReadonlySet<string>;
  readonly maskers: ReadonlyMap<string, MaskerAliasDef>;
  readonly role: string;
  readonly nextId: () => number;
}

type Located = Omit<CompiledRule, 'source'>;

export function compileRule(raw: RawRule, path: Path, ctx: RuleContext, problems: PathProblem[]): Located[] {
  const before = problems.length;
  const report = (sub: Path, message: string, at: 'key' | 'value' = 'value') => problems.push({ path: [...path, ...sub], at, message });

  const types = typesOf(raw, ctx.catalog, report);
  const actions = actionsOf(raw, types, report);
  const isMutation = types.includes(MUTATION_TYPE);
  checkDecision(raw, actions, report);
  for (const [i, p] of (raw.purposes ?? []).entries()) {
    if (!ctx.purposes.has(p)) report(['purposes', i], `unknown purpose "${p}": declare it in purposes.policy.yaml ${suggest(p, ctx.purposes)}`);
  }
  if (isMutation && raw.when) report(['when'], 'a Mutation rule takes no condition: put the row condition on the type, e.g. { on: Feedback, actions: [update], when: … }', 'key');
  const alias = maskerOf(raw, ctx, report);

  const out: Located[] = [];
  for (const type of types) {
    const info = type === MUTATION_TYPE ? null : ctx.catalog.types[type]!;
    const fields = fieldsOf(raw, type, info, ctx.catalog, actions, report);
    let when: CondNode | null = null;
    let branches: Dnf = [[]];
    if (info && raw.when) {
      const parsed = parseCondition(raw.when, [...path, 'when'], { type: info, purposes: ctx.purposes });
      problems.push(...parsed.problems);
      const dnf = toDnf(parsed.node);
      if ('error' in dnf) report(['when'], dnf.error);
      else [when, branches] = [parsed.node, dnf];
    }
    for (const action of actions) {
      const masked = action === 'read' && raw.decision === 'MASKED';
      const decided = action === 'read' && info ? fields.filter((f) => info.fields[f]!.pii !== null) : fields;
      const masks: Record<string, MaskSpec> = {};
      if (masked && info) for (const f of decided) masks[f] = alias ?? { masker: DEFAULT_MASKER[info.fields[f]!.pii!], alias: null, options: null };
      out.push({
        id: ctx.nextId(), role: ctx.role, type, action: masked ? 'read_masked' : action, fields: decided, wildcard: raw.fields === '*', masks,
        when, branches, purposes: raw.purposes ?? null,
      });
    }
  }
  return problems.length > before ? [] : out;
}

type Report = (sub: Path, message: string, at?: 'key' | 'value') => void;

function typesOf(raw: RawRule, catalog: SchemaCatalog, report: Report): string[] {
  const list = Array.isArray(raw.on) ? raw.on : [raw.on];
  const known = [...Object.keys(catalog.types), MUTATION_TYPE];
  const out: string[] = [];
  for (const [i, t] of list.entries()) {
    if (known.includes(t)) out.push(t);
    else report(Array.isArray(raw.on) ? ['on', i] : ['on'], `unknown type "${t}" ${suggest(t, known)}`);
  }
  if (out.includes(MUTATION_TYPE) && out.length > 1) report(['on'], 'Mutation stands alone in `on:`: write a separate rule for the types');
  return out;
}

function actionsOf(raw: RawRule, types: readonly string[], report: Report): PolicyAction[] {
  const isMutation = types.includes(MUTATION_TYPE);
  const list = raw.actions ?? (isMutation ? ['execute'] : ['read']);
  const out: PolicyAction[] = [];
  for (const [i, a] of list.entries()) {
    if (!(POLICY_ACTIONS as readonly string[]).includes(a)) report(['actions', i], `unknown action "${a}" ${suggest(a, POLICY_ACTIONS)}`);
    else if ((a === 'execute') !== isMutation) {
      report(['actions', i], isMutation ? `action "${a}" does not apply to Mutation: use [execute]` : '"execute" applies only to `on: Mutation`: use read, create, update or delete');
    } else out.push(a as PolicyAction);
  }
  return out;
}

function checkDecision(raw: RawRule, actions: readonly PolicyAction[], report: Report): void {
  const reads = actions.includes('read');
  if (reads && !raw.decision) report([], 'a read rule needs `decision: PLAIN` or `decision: MASKED`');
  if (!reads && raw.decision) report(['decision'], '`decision` applies to read only: remove it from this write rule', 'key');
  if (raw.decision === 'MASKED' && actions.some((a) => a !== 'read')) {
    report(['decision'], 'MASKED on a non-read action: writes are allowed or not; put the writes in their own rule');
  }
  if (raw.masker !== undefined && raw.decision !== 'MASKED') report(['masker'], '`masker` needs `decision: MASKED`', 'key');
}

function maskerOf(raw: RawRule, ctx: RuleContext, report: Report): MaskSpec | null {
  if (raw.masker === undefined || raw.decision !== 'MASKED') return null;
  const alias = ctx.maskers.get(raw.masker);
  if (alias) return { masker: alias.masker, alias: alias.name, options: alias.options };
  if (isMaskerName(raw.masker)) return { masker: raw.masker, alias: null, options: null };
  report(['masker'], `unknown masker "${raw.masker}" ${suggest(raw.masker, [...MASKER_NAMES, ...ctx.maskers.keys()], 'maskers and aliases')}`);
  return null;
}

function fieldsOf(
  raw: RawRule, type: string, info: TypeInfo | null, catalog: SchemaCatalog, actions: readonly PolicyAction[], report: Report,
): string[] {
  const known = info ? Object.keys(info.fields) : catalog.mutations;
  if (raw.fields === '*') return [...known];
  const reads = actions.includes('read');
  if (raw.fields.length === 0 && (!reads || !info)) report(['fields'], `an empty field list allows nothing here: list the ${info ? 'fields written' : 'mutations'}`);
  const out: string[] = [];
  for (const [i, f] of raw.fields.entries()) {
    if (!known.includes(f)) {
      report(['fields', i], info ? `unknown field "${f}" on ${type} ${suggest(f, known)}` : `unknown mutation "${f}" ${suggest(f, known)}`);
    } else if (info && raw.decision === 'MASKED' && info.fields[f]!.pii === null) {
      report(['fields', i], `"${f}" of ${type} is not @pii, so it cannot be MASKED: non-@pii fields are PLAIN on every row the role can read; remove it`);
    } else out.push(f);
  }
  return out;
}
