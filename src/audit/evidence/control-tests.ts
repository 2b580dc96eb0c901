/**
 * Which tests back each control of the evidence pack: the static mapping auditors ask for
 * ("show me the test that proves this control runs"). Paths are relative to the repository;
 * test/audit/evidence.unit.test.ts fails when one no longer exists.
 */
export const CONTROL_TESTS: Readonly<Record<string, readonly string[]>> = {
  'access-reviews': ['test/e2e/access-cli.test.ts', 'test/e2e/least-privilege.test.ts'],
  grants: ['test/e2e/access.test.ts', 'test/e2e/separation-of-duties.test.ts', 'test/e2e/access-keys.test.ts'],
  leavers: ['test/e2e/access-keys.test.ts', 'test/e2e/access-instances.test.ts', 'test/e2e/incident.test.ts'],
  chain: ['test/audit/verify.test.ts', 'test/audit/append-only.test.ts', 'test/e2e/audit-fail-closed.test.ts', 'test/e2e/mutation-atomicity.test.ts'],
  checkpoints: ['test/audit/verify.test.ts', 'test/audit/retention.test.ts'],
  alerts: ['test/e2e/audit-alerts.test.ts', 'test/audit/alert-queue.test.ts'],
  keys: ['test/crypto/rotation.test.ts', 'test/crypto/key-policy.test.ts', 'test/crypto/stale-and-moved-ciphertext.test.ts'],
  lifecycle: ['test/e2e/lifecycle.test.ts'],
  'subject-requests': ['test/e2e/subject-requests.test.ts', 'test/crypto/shredding.test.ts', 'test/e2e/restriction-binds.test.ts'],
  provision: ['test/e2e/provision.test.ts'],
  'policy-versions': ['test/e2e/policy-decisions.test.ts', 'test/e2e/policy-attacks.test.ts', 'test/e2e/least-privilege.test.ts'],
  'policy-changes': ['test/e2e/evidence-policy-changes.test.ts', 'test/policies/policy-tools.test.ts'],
  incidents: ['test/e2e/incident.test.ts', 'test/e2e/incident-exact.test.ts'],
};
