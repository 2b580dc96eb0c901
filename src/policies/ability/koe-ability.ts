/**
 * What one principal may do under one policy version and purpose. Field decisions are CASL checks
 * on `subject(type, record)` (never on a bare type name, which would ignore conditions), skipped
 * whenever the answer cannot depend on the record.
 */
import { subject, type MongoAbility, type Rule, type MongoQuery } from '@casl/ability';
import type { AbilityTuple } from '@casl/ability';
import type { CondNode } from '../conditions/cond-node.js';
import { piiFields, type FieldInfo, type SchemaCatalog } from '../catalog.js';
import { catalogField } from '../catalog-lookup.js';
import type { MaskerName } from '../maskers/index.js';
import { MUTATION_TYPE, type Decision, type MaskSpec } from '../model.js';
import { READ_ROW, type KoeRawRule, type RuleMeta } from './raw-rules.js';
import { rowFilterOf, type RowFilter } from './row-filter.js';
import { isRestricted, RESTRICTED_TYPES, restrictedForAny, restrictionCond } from './use-restriction.js';

export interface FieldDecision {
  readonly decision: Decision;
  readonly masker: MaskerName | null;
  readonly maskerOptions: Readonly<Record<string, unknown>> | null;
}

export type FieldPlan = ({ readonly kind: 'static' } & FieldDecision) | { readonly kind: 'conditional' };

/** `decide` for one field, the record being all that is left to give. */
export type FieldDecider = (record: object) => FieldDecision;

export type CaslAbility = MongoAbility<AbilityTuple, MongoQuery>;
type CaslRule = Rule<AbilityTuple, MongoQuery>;

/** The rules that could decide a field, highest priority first (CASL's order). */
export interface FieldGrants {
  readonly plain: readonly RuleMeta[];
  readonly masked: readonly RuleMeta[];
  readonly rows: readonly RuleMeta[];
}

const PLAIN: FieldPlan & FieldDecision = { kind: 'static', decision: 'PLAIN', masker: null, maskerOptions: null };
const DENIED: FieldPlan & FieldDecision = { kind: 'static', decision: 'DENIED', masker: null, maskerOptions: null };
const CONDITIONAL: FieldPlan = { kind: 'conditional' };

export function metaOf(rule: CaslRule): RuleMeta {
  return (rule.origin as unknown as KoeRawRule).koe;
}

export class KoeAbility {
  private readonly plans = new Map<string, Map<string, FieldPlan>>();
  private readonly deciders = new Map<string, Map<string, FieldDecider>>();
  private readonly rowFilters = new Map<string, RowFilter>();
  private readonly maskedResults = new WeakMap<MaskSpec, FieldPlan & FieldDecision>();

  constructor(
    readonly casl: CaslAbility,
    private readonly catalog: SchemaCatalog,
    /** The principal's roles that the policy knows, sorted; unknown ones were dropped. */
    readonly roles: readonly string[],
    private readonly readOnly: boolean,
    /** The purposes whose use restrictions bind the request (use-restriction.ts); empty: none. */
    private readonly restrictedFor: readonly string[] = [],
  ) {}

  /** Decided once per ability and field; `conditional` means ask `decide` per record. */
  fieldPlan(type: string, field: string): FieldPlan {
    return madeFor(this.plans, type, field) ?? keep(this.plans, type, field, this.computePlan(type, field));
  }

  decide(type: string, record: object, field: string): FieldDecision {
    if (isRestricted(type, record, this.restrictedFor)) return DENIED;
    const plan = this.fieldPlan(type, field);
    if (plan.kind === 'static') return plan;
    const s = asSubject(type, record);
    const info = this.fieldInfo(type, field)!;
    if (info.pii === null) return this.casl.can(READ_ROW, s) ? PLAIN : DENIED;
    if (this.casl.can('read', s, field)) return PLAIN;
    const rule = this.casl.relevantRuleFor('read_masked', s, field);
    return rule && !rule.inverted ? this.maskedResult(metaOf(rule), field) : DENIED;
  }

  /**
   * `decide(type, record, field)` as a function of the record, built once per ability and field: a
   * field guard calls it for every record of a page without looking the plan up each time. What
   * depends on the record stays per record: a restricted customer is DENIED whatever the plan, and
   * a conditional plan runs CASL on it.
   */
  decider(type: string, field: string): FieldDecider {
    return madeFor(this.deciders, type, field) ?? keep(this.deciders, type, field, this.buildDecider(type, field));
  }

  private buildDecider(type: string, field: string): FieldDecider {
    const plan = this.fieldPlan(type, field);
    if (plan.kind !== 'static') return (record) => this.decide(type, record, field);
    if (this.restrictedFor.length === 0 || !RESTRICTED_TYPES.has(type)) return () => plan;
    const restrictedFor = this.restrictedFor;
    return (record) => (restrictedForAny(record, restrictedFor) ? DENIED : plan);
  }

  canReadType(type: string): boolean {
    return this.casl.possibleRulesFor(READ_ROW, type).length > 0;
  }

  rowFilter(type: string): RowFilter {
    let filter = this.rowFilters.get(type);
    if (!filter) this.rowFilters.set(type, (filter = withRestriction(rowFilterOf(this.casl.rulesFor(READ_ROW, type)), restrictionCond(type, this.restrictedFor))));
    return filter;
  }

  canMutate(mutation: string): boolean {
    return this.catalog.mutations.includes(mutation) && this.casl.can('execute', MUTATION_TYPE, mutation);
  }

  canUpdate(type: string, record: object, field: string): boolean {
    if (isRestricted(type, record, this.restrictedFor)) return false;
    return this.fieldInfo(type, field) !== null && this.casl.can('update', asSubject(type, record), field);
  }

  /** True when every role the principal has is read-only (or it has no known role). */
  isReadOnly(): boolean {
    return this.readOnly;
  }

  /**
   * Filtering or sorting on a field is an oracle unless the field is PLAIN on every row the
   * caller can see: every condition that shows a row must also grant the field in PLAIN.
   */
  canFilterOrSort(type: string, field: string): boolean {
    const plan = this.fieldPlan(type, field);
    if (plan.kind === 'static') return plan.decision === 'PLAIN';
    const grants = this.grants(type, field);
    const plainKeys = new Set(grants.plain.map((m) => m.condKey));
    return grants.rows.length > 0 && grants.rows.every((m) => plainKeys.has(m.condKey));
  }

  /**
   * Whether every row the caller can see decides `type.field` as PLAIN or MASKED by one of
   * `maskers`: what a group derived from the field (an age band from the birth year) needs. Each
   * condition that shows a row must also grant the field, and every masked grant must use one of
   * those maskers, so no visible row falls to DENIED or to a coarser masker.
   */
  yieldsAtLeast(type: string, field: string, maskers: readonly MaskerName[]): boolean {
    const plan = this.fieldPlan(type, field);
    if (plan.kind === 'static') return plan.decision === 'PLAIN' || (plan.decision === 'MASKED' && maskers.includes(plan.masker!));
    const grants = this.grants(type, field);
    const granting = new Set([...grants.plain, ...grants.masked].map((m) => m.condKey));
    const maskedOk = grants.masked.every((m) => {
      const spec = m.rule.masks[field];
      return spec !== undefined && maskers.includes(spec.masker);
    });
    return grants.rows.length > 0 && maskedOk && grants.rows.every((m) => granting.has(m.condKey));
  }

  /** Every `@pii` field of the catalog with its decision for this principal (the `me` query). */
  decisions(catalog: SchemaCatalog = this.catalog): Array<{ field: string; decision: Decision | 'CONDITIONAL' }> {
    return piiFields(catalog).map(({ type, field }) => {
      const plan = this.fieldPlan(type, field);
      return { field: `${type}.${field}`, decision: plan.kind === 'static' ? plan.decision : 'CONDITIONAL' };
    });
  }

  /** The rules that could decide `type.field`, for explanations and matrices. */
  grants(type: string, field: string): FieldGrants {
    const info = this.fieldInfo(type, field);
    if (!info) return { plain: [], masked: [], rows: [] };
    const rows = this.casl.rulesFor(READ_ROW, type).map(metaOf);
    if (info.pii === null) return { plain: rows, masked: [], rows };
    return { plain: this.casl.rulesFor('read', type, field).map(metaOf), masked: this.casl.rulesFor('read_masked', type, field).map(metaOf), rows };
  }

  /** The decision on one record and the rule that made it (null when nothing granted it). */
  decideWithRule(type: string, record: object, field: string): { result: FieldDecision; rule: RuleMeta | null } {
    const info = this.fieldInfo(type, field);
    if (!info) return { result: DENIED, rule: null };
    const s = asSubject(type, record);
    const action = info.pii === null ? READ_ROW : 'read';
    const plain = this.casl.relevantRuleFor(action, s, info.pii === null ? undefined : field);
    if (plain && !plain.inverted) return { result: PLAIN, rule: metaOf(plain) };
    if (info.pii === null) return { result: DENIED, rule: null };
    const masked = this.casl.relevantRuleFor('read_masked', s, field);
    if (masked && !masked.inverted) return { result: this.maskedResult(metaOf(masked), field), rule: metaOf(masked) };
    return { result: DENIED, rule: null };
  }

  private computePlan(type: string, field: string): FieldPlan {
    const info = this.fieldInfo(type, field);
    if (!info) return DENIED;
    const { plain, masked } = this.grants(type, field);
    // A rule without condition decides every row; with one, the record decides.
    if (plain.some((m) => m.condKey === 'null')) return PLAIN;
    if (plain.length) return CONDITIONAL;
    if (!masked.length) return DENIED;
    // CASL returns the first matching rule in priority order: an unconditional first one always wins.
    const first = masked[0]!;
    return first.condKey === 'null' ? this.maskedResult(first, field) : CONDITIONAL;
  }

  private maskedResult(meta: RuleMeta, field: string): FieldPlan & FieldDecision {
    const spec = meta.rule.masks[field];
    if (!spec) return DENIED; // a masked rule that names no masker for the field grants nothing
    let result = this.maskedResults.get(spec);
    if (!result) this.maskedResults.set(spec, (result = { kind: 'static', decision: 'MASKED', masker: spec.masker, maskerOptions: spec.options }));
    return result;
  }

  private fieldInfo(type: string, field: string): FieldInfo | null {
    return catalogField(this.catalog, type, field);
  }
}

/** The rows the rules show, less those whose customer is restricted for a purpose binding the request. */
function withRestriction(filter: RowFilter, restriction: CondNode | null): RowFilter {
  if (restriction === null || filter.kind === 'none') return filter;
  if (filter.kind === 'all') return { kind: 'where', where: restriction };
  return { kind: 'where', where: { kind: 'and', items: [filter.where, restriction] } };
}

/** CASL tags the record with its type; a frozen record (or one tagged as another type) is copied. */
function asSubject(type: string, record: object): object {
  if (Object.isExtensible(record)) {
    try {
      return subject(type, record as Record<PropertyKey, unknown>);
    } catch {
      // tagged as another type before: fall through to a copy rather than mis-typing it
    }
  }
  return subject(type, { ...record } as Record<PropertyKey, unknown>);
}

/**
 * The ability's per-field caches: what was made for (type, field), if anything. A lookup and a
 * store rather than one helper taking a builder: the guard asks for the decider on every field of
 * every record, and a builder closure over (this, type, field) was allocated on each call.
 */
function madeFor<V>(byType: Map<string, Map<string, V>>, type: string, field: string): V | undefined {
  return byType.get(type)?.get(field);
}

function keep<V>(byType: Map<string, Map<string, V>>, type: string, field: string, value: V): V {
  let byField = byType.get(type);
  if (!byField) byType.set(type, (byField = new Map()));
  byField.set(field, value);
  return value;
}
