/**
 * Which roles may group an aggregate by a field, and by a group derived from one (an age band
 * from the birth date needs at least the year the `year` masker shows), under the shipped policies.
 */
import { describe, expect, it } from 'vitest';
import { abilityFor, loadPolicySet } from '../../src/policies/index.js';
import { contractCatalog } from '../fixtures/catalog.fixture.js';
import { policyDirs } from '../fixtures/policy-dir.js';

const shipped = loadPolicySet(new URL('../../policies', import.meta.url).pathname, contractCatalog);
const as = (role: string, set = shipped) => abilityFor(set, { id: `p-${role}`, roles: [role], teamId: 'team-east' }, { purpose: null });

describe('KoeAbility.yieldsAtLeast (an age band from Customer.birthDate)', () => {
  it.each<[string, boolean]>([
    ['admin', true], // PLAIN
    ['analyst', true], // MASKED by year
    ['support_agent', true], // PLAIN for the own team, MASKED (year, the BIRTH_DATE default) for the rest
    ['bi_readonly', false], // DENIED
    ['marketing', false], // no rule on birthDate
    ['auditor', false], // no customer rows
  ])('%s may group by it: %s', (role, can) => {
    expect(as(role).yieldsAtLeast('Customer', 'birthDate', ['year'])).toBe(can);
  });

  it('refuses a role whose masker shows less than the year (redacted)', () => {
    const { load } = policyDirs();
    const set = load({ 'r.policy.yaml': 'roles:\n  r:\n    description: d\n    department: IT\n    rules:\n      - { on: Customer, fields: [birthDate], decision: MASKED, masker: redact }\n' });
    expect(as('r', set).yieldsAtLeast('Customer', 'birthDate', ['year'])).toBe(false);
  });

  it('refuses when some visible rows get no grant of the field (a conditional grant narrower than the rows)', () => {
    const { load } = policyDirs();
    const set = load({
      'r.policy.yaml':
        'roles:\n  r:\n    description: d\n    department: IT\n    rules:\n      - { on: Customer, fields: [], decision: PLAIN }\n      - { on: Customer, fields: [birthDate], decision: PLAIN, when: { teamId: $principal.teamId } }\n',
    });
    expect(as('r', set).yieldsAtLeast('Customer', 'birthDate', ['year'])).toBe(false);
    expect(as('r', set).canFilterOrSort('Customer', 'prefecture')).toBe(true);
  });

  /** A policy set with one role `r` holding these rules. */
  const withRules = (...rules: string[]) =>
    policyDirs().load({ 'r.policy.yaml': `roles:\n  r:\n    description: d\n    department: IT\n    rules:\n${rules.map((x) => `      - ${x}\n`).join('')}` });

  it('allows a field PLAIN on every row even when some rows are visible only under a condition', () => {
    const set = withRules('{ on: Customer, fields: [birthDate], decision: PLAIN }', '{ on: Customer, fields: [email], decision: PLAIN, when: { segment: vip } }');
    expect(as('r', set).yieldsAtLeast('Customer', 'birthDate', ['year'])).toBe(true);
    expect(as('r', set).canFilterOrSort('Customer', 'birthDate')).toBe(true);
    expect(as('r', set).canFilterOrSort('Customer', 'email')).toBe(false);
  });

  it('refuses when a conditional plan masks some rows with a masker that shows less than the year', () => {
    const plainForVip = withRules('{ on: Customer, fields: [birthDate], decision: MASKED, masker: redact }', '{ on: Customer, fields: [birthDate], decision: PLAIN, when: { segment: vip } }');
    expect(as('r', plainForVip).yieldsAtLeast('Customer', 'birthDate', ['year'])).toBe(false);
    expect(as('r', plainForVip).yieldsAtLeast('Customer', 'birthDate', ['redact'])).toBe(true);
    const yearForVip = withRules('{ on: Customer, fields: [birthDate], decision: MASKED, masker: redact }', '{ on: Customer, fields: [birthDate], decision: MASKED, masker: year, when: { segment: vip } }');
    expect(as('r', yearForVip).yieldsAtLeast('Customer', 'birthDate', ['year'])).toBe(false);
    expect(as('r', yearForVip).yieldsAtLeast('Customer', 'birthDate', ['year', 'redact'])).toBe(true);
  });
});
