/**
 * The policy engine's public surface: load and validate policy files, decide per principal and
 * field, push row conditions down, and the admin tools. Pure: no server, ORM or environment.
 */
export { PII_CATEGORIES, piiFields, type FieldInfo, type PiiCategory, type SchemaCatalog, type TypeInfo } from './catalog.js';
export { PolicyError, formatProblem, type Problem, type SourceLoc } from './errors.js';
export { MASKER_NAMES, isMaskerName, type MaskerName } from './maskers/index.js';
export { VIRTUAL_ATTRIBUTES, type VirtualAttribute } from './virtual-attributes.js';
export {
  MUTATION_TYPE,
  type AfterHoursRule, type AlertRules, type AuditPolicy, type RetentionRule, type ThresholdRule,
  type CompiledRule, type CredentialKind, type Decision, type DocumentLock, type MaskSpec, type MaskerAliasDef, type PolicySet, type PrincipalInput,
  type GovernancePolicy, type PurposeDef, type RequestInput, type RoleDef, type SodRule,
} from './model.js';
export { describeDutyRule, dutyConflicts, effectiveRoles, grantConflicts, isPrivilegedRole } from './governance.js';
export { isDeclaredPurpose, liftingPurpose, otherPurposeAbilities } from './purposes.js';

export { loadPolicySet, policyVersion } from './load/load-policy-set.js';
export { parseDuration } from './load/audit-policy.js';

export { DEFAULT_MIN_GROUP_SIZE, minGroupSizeOf, suppressCells, type Cell } from './aggregates/suppression.js';
export { documentLockOf, lockAllows } from './documents.js';

export { abilityFor } from './ability/ability-for.js';
export { KoeAbility, type FieldDecider, type FieldDecision, type FieldPlan } from './ability/koe-ability.js';
export type { RowFilter } from './ability/row-filter.js';
export { RESTRICTED_PURPOSES, UNRESTRICTABLE_PURPOSES } from './ability/use-restriction.js';

export { condToString, type CmpNode, type CmpOp, type CondNode, type CondValue } from './conditions/cond-node.js';
export { condToMikroOrmWhere, PushDownError, type VirtualTranslator } from './conditions/to-mikro-orm.js';

export { checkPolicies, formatWarning, type CheckReport, type Warning } from './tools/check-policies.js';
export { explain, type ExplainOptions, type Explanation } from './tools/explain.js';
export { diffMatrices, matrix, type DecisionMatrix, type MatrixCell, type MatrixChange } from './tools/matrix.js';
export { renderMatrix, type MatrixFormat } from './tools/render-matrix.js';
export { runPolicyTests, type PolicyTestResult } from './tools/run-policy-tests.js';
export { schemaFilterFor, type SchemaFilter } from './tools/schema-filter.js';
export type { RuleRef } from './tools/describe-grants.js';
