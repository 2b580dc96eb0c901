/** `koe policy …`: the admin tools of the policy engine. Only `impact` needs a database (it replays the audit trail). */
import type { Command } from 'commander';
import { registerPolicyCheck } from './policy/check.js';
import { registerPolicyDiff } from './policy/diff.js';
import { registerPolicyExplain } from './policy/explain.js';
import { registerPolicyImpact } from './policy/impact.js';
import { registerPolicyMatrix } from './policy/matrix.js';
import { registerPolicyTest } from './policy/test.js';

export function registerPolicy(program: Command): void {
  const policy = program
    .command('policy')
    .description('check, test, explain and compare the policy files (policies/*.policy.yaml); impact replays the audit trail against a revision');
  registerPolicyCheck(policy);
  registerPolicyTest(policy);
  registerPolicyExplain(policy);
  registerPolicyMatrix(policy);
  registerPolicyDiff(policy);
  registerPolicyImpact(policy);
}
