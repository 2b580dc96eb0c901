/**
 * The compiled, validated shape of a policy directory. A PolicySet only exists when every file
 * passed every check; it is immutable apart from its bounded cache of per-principal abilities.
 */
import type { KoeAbility } from './ability/koe-ability.js';
import type { SchemaCatalog } from './catalog.js';
import type { CondNode } from './conditions/cond-node.js';
import type { Dnf } from './conditions/dnf.js';
import type { SourceLoc } from './errors.js';
import type { Lru } from './lru.js';
import type { MaskerName } from './maskers/index.js';

export type Decision = 'PLAIN' | 'MASKED' | 'DENIED';

/** Who asks. Roles come from the database; an unknown role contributes nothing. */
export interface PrincipalInput {
  readonly id: string;
  readonly roles: readonly string[];
  readonly teamId: string | null;
  readonly attributes?: Readonly<Record<string, unknown>>;
}

export interface RequestInput {
  /** The declared purpose (`X-Koe-Purpose`); the server checks it with `isDeclaredPurpose`. */
  readonly purpose: string | null;
}

/** Actions a policy file may name; `read` splits into CASL's `read` (PLAIN) and `read_masked`. */
export const POLICY_ACTIONS = ['read', 'create', 'update', 'delete', 'execute'] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];
export type RuleAction = Exclude<PolicyAction, 'read'> | 'read' | 'read_masked';

/** The pseudo-type whose "fields" are the mutations, e.g. `{ on: Mutation, actions: [execute] }`. */
export const MUTATION_TYPE = 'Mutation';

export interface MaskSpec {
  readonly masker: MaskerName;
  /** The alias from maskers.policy.yaml the rule named, if any. */
  readonly alias: string | null;
  readonly options: Readonly<Record<string, unknown>> | null;
}

/** One (type, action) of one YAML rule; a rule on two types with two actions gives four. */
export interface CompiledRule {
  readonly id: number;
  /** The role whose file declares the rule (it may reach others through `inherits`). */
  readonly role: string;
  readonly source: SourceLoc;
  readonly type: string;
  readonly action: RuleAction;
  /**
   * For read actions the `@pii` fields decided (empty: rows and non-`@pii` fields only); for
   * writes the fields written; for `execute` the mutations.
   */
  readonly fields: readonly string[];
  /** Written as `fields: '*'`: it covers fields without naming them (see checkPolicies). */
  readonly wildcard: boolean;
  /** `read_masked` only: the masker of each field. */
  readonly masks: Readonly<Record<string, MaskSpec>>;
  /** The condition as written, placeholders unresolved (for explanations). */
  readonly when: CondNode | null;
  /** The condition in disjunctive normal form; `[[]]` when unconditional. */
  readonly branches: Dnf;
  /** The rule applies only when the request declares one of these purposes. */
  readonly purposes: readonly string[] | null;
}

/** How a request authenticated: a lock may bind only one kind (a BI tool's API key, not a person's token). */
export type CredentialKind = 'apiKey' | 'token';

/** A role's lock to trusted documents. */
export interface DocumentLock {
  /** The clients whose published documents the role may run; null: any client's. */
  readonly clients: readonly string[] | null;
  /** The credentials the lock binds (`credentials:`); null: every kind. */
  readonly credentials: readonly CredentialKind[] | null;
}

export interface RoleDef {
  readonly name: string;
  readonly description: string;
  readonly department: string;
  readonly inherits: readonly string[];
  readonly readOnly: boolean;
  /**
   * The purpose the role's use of data serves when a request declares none (`defaultPurpose:`).
   * It makes use restrictions bind without the header; it never satisfies a rule's `purposes:`.
   * Null (not written): every restrictable purpose binds the role, so an undeclared role fails closed.
   */
  readonly defaultPurpose: string | null;
  /**
   * Granting it needs a second admin's approval (`privileged: true`, or inherited from a
   * privileged role: a role that includes admin's rules is as dangerous as admin).
   */
  readonly privileged: boolean;
  /**
   * Aggregates show no group of fewer records than this (`minGroupSize:`; default
   * DEFAULT_MIN_GROUP_SIZE, so a role nobody thought about gets the cautious answer).
   */
  readonly minGroupSize: number;
  /**
   * `documents: { trustedOnly: true, clients: [...] }`: requests may only name a published trusted
   * document by hash (docs/trusted-documents.md); `clients` narrows which clients' documents (null:
   * any client's). Inherited: a role built on a locked role is locked too. Null: operation text allowed.
   */
  readonly documents: DocumentLock | null;
  readonly source: SourceLoc;
  /** Own rules and, before them, those of every inherited role (once each). */
  readonly rules: readonly CompiledRule[];
}

export interface PurposeDef {
  readonly id: string;
  readonly description: { readonly ja: string; readonly en: string };
  readonly legalBasis: string;
  readonly requiresConsent: boolean;
  readonly source: SourceLoc;
}

export interface MaskerAliasDef {
  readonly name: string;
  readonly masker: MaskerName;
  readonly options: Readonly<Record<string, unknown>> | null;
  readonly description: string | null;
  readonly source: SourceLoc;
}

/** A file as read from disk; `path` is how messages name it (the directory as given + name). */
export interface PolicySource {
  readonly name: string;
  readonly path: string;
  readonly text: string;
}

export interface PolicySet {
  /** SHA-256 (hex, 16 chars) of the sorted policy file names and contents. */
  readonly version: string;
  readonly dir: string;
  readonly catalog: SchemaCatalog;
  readonly roles: ReadonlyMap<string, RoleDef>;
  readonly purposes: ReadonlyMap<string, PurposeDef>;
  readonly maskers: ReadonlyMap<string, MaskerAliasDef>;
  /** `alerts:` and `retention:` (audit.policy.yaml); empty when no file declares them. */
  readonly audit: AuditPolicy;
  /** `rotation:` (keys.policy.yaml): how old the active key-encryption key may get. */
  readonly keys: KeyPolicy;
  /** `lifecycle:` (lifecycle.policy.yaml): retention periods per data category; no rules, nothing due. */
  readonly lifecycle: LifecyclePolicy;
  /** `recipients:` (recipients.policy.yaml): third parties and what each receives; none declared, none known. */
  readonly recipients: ReadonlyMap<string, RecipientDef>;
  /** `separationOfDuties:` and `grantApproval:` (access.policy.yaml): who may hold what together, and how grants are approved. */
  readonly governance: GovernancePolicy;
  readonly sources: readonly PolicySource[];
  /** Placeholders the rules use: the ability cache keys only on the values that matter. */
  readonly placeholders: readonly string[];
  /** Abilities by principal key; bounded, and specific to this version. */
  readonly abilities: Lru<string, KoeAbility>;
}

/** A window or period as written in audit.policy.yaml (`10m`, `180d`, `1y`), in seconds. */
export type Seconds = number;

/** Count-over-window rules: more than `threshold` distinct things in `window` seconds fires. */
export interface ThresholdRule {
  readonly threshold: number;
  readonly window: Seconds;
}

export interface AfterHoursRule {
  /** Local working hours `[from, to)` in whole minutes since midnight, in `timeZone`. */
  readonly fromMinute: number;
  readonly toMinute: number;
  /** ISO weekdays (1 = Monday) that are working days. */
  readonly days: readonly number[];
  readonly timeZone: string;
  readonly roles: readonly string[];
}

/** The shipped rule names; a section may leave any out (that rule is then off). */
export interface AlertRules {
  readonly plain_customer_reads?: ThresholdRule;
  readonly repeated_forbidden?: ThresholdRule;
  readonly authentication_failures?: ThresholdRule;
  readonly after_hours?: AfterHoursRule;
  readonly bi_new_address?: { readonly roles: readonly string[] };
}

export interface RetentionRule {
  /** An action (`query`), a prefix pattern (`access.*`) or `default`. */
  readonly action: string;
  readonly period: Seconds;
}

export interface AuditPolicy {
  readonly alerts: AlertRules;
  /** Most specific first: exact actions, then longer prefixes, then `default`. Empty: keep all. */
  readonly retention: readonly RetentionRule[];
}

export interface KeyPolicy {
  /** Days after which the active KEK is due for `koe keys rotate` (default 90). */
  readonly rotationMaxAgeDays: number;
}

/** The data categories `koe lifecycle run` disposes of, in the order it runs them. */
export const LIFECYCLE_CATEGORIES = ['feedback', 'purchases', 'contactDetails'] as const;
export type LifecycleCategory = (typeof LIFECYCLE_CATEGORIES)[number];

/** A calendar period (`P1Y6M` → 1 year, 6 months): months and years vary in length, days do not. */
export interface CalendarPeriod {
  readonly years: number;
  readonly months: number;
  readonly days: number;
}

export interface LifecycleRule {
  readonly category: LifecycleCategory;
  /** The period as written (`P3Y`), for reports. */
  readonly keep: string;
  readonly period: CalendarPeriod;
  /** The date the period runs from (`receivedAt`, `orderedAt`, `lastActivityAt`). */
  readonly after: string;
  /** What disposal does: `scrub` (feedback text), `anonymise` (purchase), `shred` (customer PII). */
  readonly action: string;
}

export interface LifecyclePolicy {
  /** In run order; a category without a rule is kept forever. */
  readonly rules: readonly LifecycleRule[];
}

/** One field a recipient receives: in plain or through a built-in masker. */
export interface RecipientField {
  /** `Type.field` (Feedback or Customer). */
  readonly field: string;
  readonly decision: 'PLAIN' | MaskerName;
}

/** A third party personal data is provided to (APPI Art. 27–29), as recipients.policy.yaml declares it. */
export interface RecipientDef {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  /** ISO 3166-1 alpha-2; anything but JP is a provision abroad (Art. 28). */
  readonly country: string;
  readonly abroad: boolean;
  /** The declared purpose of use the recipient receives data for. */
  readonly purpose: string;
  /** In file order; a field not listed is not given. */
  readonly fields: readonly RecipientField[];
}

/** A set of roles no principal may hold together (roles reached through `inherits` count). */
export interface SodRule {
  readonly roles: readonly string[];
  /** Why, as the policy says it; quoted in every refusal and warning. */
  readonly reason: string;
  readonly source: SourceLoc;
}

export interface GovernancePolicy {
  readonly separationOfDuties: readonly SodRule[];
  /** How long a grant of a privileged role waits for a second admin before it expires. */
  readonly grantApprovalTtl: Seconds;
}
