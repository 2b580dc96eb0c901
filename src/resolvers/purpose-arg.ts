import { isDeclaredPurpose } from '../policies/index.js';
import { BadUserInputError } from '../request/errors.js';
import type { RequestAccess } from '../request/access.js';

/** A purpose argument must be declared in the policy version deciding the request (purposes.policy.yaml). */
export function declaredPurposeArg(access: RequestAccess, argument: string, purpose: string): string {
  if (!isDeclaredPurpose(access.policy, purpose)) throw new BadUserInputError(argument, `"${purpose}" is not a purpose declared in the policy files`);
  return purpose;
}
