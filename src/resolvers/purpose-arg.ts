import { isDeclaredPurpose, loadedPolicySet } from '../policies/index.js';
import { BadUserInputError } from '../schema/errors.js';
import type { RequestAccess } from './access.js';

/** A purpose argument must be declared in the policy version deciding the request (purposes.policy.yaml). */
export function declaredPurposeArg(access: RequestAccess, argument: string, purpose: string): string {
  const policy = loadedPolicySet(access.policyVersion);
  if (!policy || !isDeclaredPurpose(policy, purpose)) throw new BadUserInputError(argument, `"${purpose}" is not a purpose declared in the policy files`);
  return purpose;
}
