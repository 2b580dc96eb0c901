import type { RequestAccess } from '../resolvers/access.js';

/** Every authenticated caller reads everything: the foundation's stand-in until the policy engine is wired. */
export const permissiveAccess: RequestAccess = {
  policyVersion: 'none',
  decisions: () => [],
  rowWhere: () => ({}),
  assertCanFilter: () => {},
  assertCanMutate: () => {},
  canUpdate: () => true,
};
