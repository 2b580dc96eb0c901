/** Enforcement off for benchmarks: every row, every field as stored. Never reachable from configuration. */
import type { PolicySet } from '../../src/policies/index.js';
import type { RequestAccess } from '../../src/request/access.js';

const PLAIN = { decision: 'PLAIN', masker: null, maskerOptions: null } as const;

export const noPolicy = (policy: PolicySet): RequestAccess => ({
  policyVersion: 'off',
  policy,
  decisions: () => [],
  decide: () => PLAIN,
  decider: () => () => PLAIN,
  rowWhere: () => ({}),
  virtualsTested: () => [],
  attributesTested: () => [],
  assertCanFilter: () => {},
  assertCanGroup: () => {},
  minGroupSize: 1,
  assertCanMutate: () => {},
  canUpdate: () => true,
  liftingPurpose: () => null,
});
