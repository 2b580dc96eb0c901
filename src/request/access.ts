/**
 * What resolvers ask of the policy for one request. Resolvers depend on this interface only, so
 * the rules of who sees what stay in `src/policies` and are applied the same way on every path.
 */
import type { FieldDecider, FieldDecision, MaskerName, PolicySet } from '../policies/index.js';

export type GuardedType = 'Customer' | 'Purchase' | 'Consent' | 'Feedback' | 'AuditEvent' | 'Principal' | 'ProvisionRecord' | 'GrantRequest' | 'PolicyMatrix' | 'KeyStatus' | 'LifecycleDryRun';

export interface RequestAccess {
  /** The version (hash) of the policy files that decides this request. */
  readonly policyVersion: string;
  /**
   * The loaded policy that decides this request: its roles, purposes, recipients, separation of
   * duties and alert rules. The only road from a request to the policy files.
   */
  readonly policy: PolicySet;
  /** The caller's decision for every `@pii` field: PLAIN, MASKED, DENIED or CONDITIONAL. */
  decisions(): Array<{ field: string; decision: string }>;
  /** The SQL condition (MikroORM query) for rows of `type` the caller may see; `null` = no rows at all. */
  rowWhere(type: GuardedType): object | null;
  /**
   * The virtual attributes (`consentedPurposes`, …) records of `type` must carry for this caller's
   * decisions in memory; a read computes only these (each is a subquery per row).
   */
  virtualsTested(type: GuardedType): readonly string[];
  /**
   * The record attributes (fields, virtual attributes) the caller's rules on `type` test per record:
   * a read that selects only some columns must select these too. Cached per policy and roles.
   */
  attributesTested(type: GuardedType): readonly string[];
  /** Refuses a filter, order or search on a field the caller cannot read in PLAIN (FORBIDDEN). */
  assertCanFilter(type: GuardedType, field: string, argument: string): void;
  /**
   * Refuses grouping an aggregate by a field (FORBIDDEN naming `argument`) unless the caller reads
   * it PLAIN on every row it sees, or, for a group derived from the field, MASKED by one of
   * `derivedFrom` (the maskers whose output yields the group) or better.
   */
  assertCanGroup(type: GuardedType, field: string, argument: string, derivedFrom?: readonly MaskerName[]): void;
  /** Aggregates hide groups of fewer records than this (the roles' smallest `minGroupSize`). */
  readonly minGroupSize: number;
  /** Refuses a mutation the caller's roles do not allow (FORBIDDEN). */
  assertCanMutate(mutation: string): void;
  /** PLAIN, MASKED (with its masker) or DENIED for one `@pii` field of one record. */
  decide(type: string, field: string, record: object): FieldDecision;
  /**
   * `decide(type, field, ·)` for this request, to be called once per record: the same decisions,
   * with what depends only on the field and the caller worked out once (the `@pii` guard's path).
   */
  decider(type: string, field: string): FieldDecider;
  /** Whether the caller may write `field` of this record (row conditions included). */
  canUpdate(type: GuardedType, record: object, field: string): boolean;
  /**
   * For a field DENIED on this record: a purpose the caller did not declare under which its own
   * roles would read it (PLAIN or MASKED), so the refusal can say "requires X-Koe-Purpose: …".
   */
  liftingPurpose(type: string, field: string, record: object): string | null;
}

/** The words a refusal adds when a purpose would lift it. */
export function purposeHint(purpose: string | null): string {
  return purpose ? ` (requires X-Koe-Purpose: ${purpose})` : '';
}

/** Combines a row condition with the caller's row filter; `null` means the query cannot match. */
export function withRows(access: RequestAccess, type: GuardedType, where: object): object | null {
  const rows = access.rowWhere(type);
  if (rows === null) return null;
  if (Object.keys(rows).length === 0) return where;
  if (Object.keys(where).length === 0) return rows;
  return { $and: [where, rows] };
}
