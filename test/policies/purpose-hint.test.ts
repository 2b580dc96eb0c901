/**
 * Which purpose a refusal names (issue 13, item 14): only one under which the caller's own roles
 * would decide the field better, never for a field no purpose opens, never the purpose declared.
 */
import 'reflect-metadata';
import { beforeAll, describe, expect, it } from 'vitest';
import { abilityFor, liftingPurpose, otherPurposeAbilities, type PolicySet } from '../../src/policies/index.js';
import { loadPolicy } from '../../src/server/policy.js';
import { POLICY_DIR } from '../support/koe.js';

// The shipped policy against the schema the gateway serves (Feedback.note is @pii there).
let set: PolicySet;
beforeAll(async () => {
  set = await loadPolicy(POLICY_DIR);
});

/** As the field guard asks: only for a field DENIED under the declared purpose. */
function hint(role: string, declared: string | null, typeField: string, record: Record<string, unknown> = { teamId: 'team-b' }): string | null {
  const [type, field] = typeField.split('.') as [string, string];
  const principal = { id: 'p-1', roles: [role], teamId: 'team-a' };
  expect(abilityFor(set, principal, { purpose: declared }).decide(type, record, field).decision).toBe('DENIED');
  return liftingPurpose(otherPurposeAbilities(set, principal, declared), (a) => a.decide(type, record, field).decision !== 'DENIED');
}

describe(liftingPurpose.name, () => {
  it.each([
    ['dpo', null, 'Customer.name', 'compliance'],
    ['dpo', 'analytics', 'Customer.email', 'compliance'],
    ['dpo', null, 'Feedback.body', 'compliance'],
    ['analyst', null, 'Feedback.note', null],
    ['bi_readonly', null, 'Customer.name', null],
    ['auditor', null, 'Customer.email', null],
    ['marketing', null, 'Feedback.body', null],
    ['nobody-knows-this-role', null, 'Customer.name', null],
  ] as const)('%s declaring %s, refused %s, is told %s', (role, declared, typeField, expected) => {
    expect(hint(role, declared, typeField)).toBe(expected);
  });

  it('never names the purpose the request declared', () => {
    const others = otherPurposeAbilities(set, { id: 'p-1', roles: ['dpo'], teamId: null }, 'compliance');
    expect(others.map(([p]) => p)).not.toContain('compliance');
  });
});
