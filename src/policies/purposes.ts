/** The server refuses a request whose declared purpose is not in purposes.policy.yaml. */
import type { PolicySet } from './model.js';

export function isDeclaredPurpose(set: PolicySet, purpose: string): boolean {
  return set.purposes.has(purpose);
}
