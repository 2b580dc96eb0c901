/** Enforcement off for benchmarks: every row, every field as stored. Never reachable from configuration. */
import type { RequestAccess } from '../../src/resolvers/access.js';

export const noPolicy: RequestAccess = {
  policyVersion: 'off',
  decisions: () => [],
  decide: () => ({ decision: 'PLAIN', masker: null, maskerOptions: null }),
  rowWhere: () => ({}),
  assertCanFilter: () => {},
  assertCanMutate: () => {},
  canUpdate: () => true,
  liftingPurpose: () => null,
};
