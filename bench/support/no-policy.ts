/** Enforcement off for benchmarks: every row, every field as stored. Never reachable from configuration. */
import type { PolicySet } from '../../src/policies/index.js';
import type { RequestAccess } from '../../src/request/access.js';

export const noPolicy = (policy: PolicySet): RequestAccess => ({
  policyVersion: 'off',
  policy,
  decisions: () => [],
  decide: () => ({ decision: 'PLAIN', masker: null, maskerOptions: null }),
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
