/**
 * Cessation of use (APPI Art. 35): which purposes bind a request, and which rows and records a
 * restriction hides. The rules are in src/policies/ability/use-restriction.ts.
 */
import { describe, expect, it } from 'vitest';
import { abilityFor, symbolicAbility } from '../../src/policies/ability/ability-for.js';
import { bindingPurposes, isRestricted, restrictionCond } from '../../src/policies/ability/use-restriction.js';
import { loadPolicySet } from '../../src/policies/index.js';
import { contractCatalog } from '../fixtures/catalog.fixture.js';

describe(bindingPurposes.name, () => {
  const all = ['support', 'marketing', 'compliance', 'analytics'];
  const cases: Array<[string, string | null, Array<string | null>, string[]]> = [
    ['nothing declared, no role', null, [], []],
    ['the declared purpose', 'marketing', [], ['marketing']],
    ['the role defaults, sorted and once', null, ['support', 'analytics', 'support'], ['analytics', 'support']],
    ['the declared purpose added to the defaults', 'marketing', ['support'], ['marketing', 'support']],
    ['every purpose for a role without a default', 'support', [null], ['analytics', 'marketing', 'support']],
    ['never compliance', 'compliance', ['compliance'], []],
  ];
  it.each(cases)('binds %s', (_what, declared, defaults, expected) => {
    expect(bindingPurposes(declared, defaults, all)).toEqual(expected);
  });
});

describe(restrictionCond.name, () => {
  it('hides rows restricted for the one binding purpose', () => {
    expect(restrictionCond('Customer', ['marketing'])).toEqual({ kind: 'cmp', field: 'restrictedPurposes', op: 'ne', value: 'marketing' });
  });

  it('hides rows restricted for any of several', () => {
    expect(restrictionCond('Purchase', ['analytics', 'marketing'])).toEqual({ kind: 'cmp', field: 'restrictedPurposes', op: 'nin', value: ['analytics', 'marketing'] });
  });

  it.each(['Customer', 'Feedback', 'Purchase', 'Consent'])('applies to %s, a customer-owned type', (type) => {
    expect(restrictionCond(type, ['marketing'])).not.toBeNull();
  });

  it('adds nothing when no purpose binds or the type is not the customer’s', () => {
    expect(restrictionCond('Customer', [])).toBeNull();
    expect(restrictionCond('AuditEvent', ['marketing'])).toBeNull();
  });
});

describe(isRestricted.name, () => {
  const cases: Array<[string, string, Record<string, unknown>, string[], boolean]> = [
    ['a customer restricted for the purpose', 'Customer', { restrictedPurposes: ['marketing'] }, ['marketing'], true],
    ['a customer restricted for one of the purposes', 'Feedback', { restrictedPurposes: ['support', 'marketing'] }, ['analytics', 'marketing'], true],
    ['a customer restricted for another purpose', 'Customer', { restrictedPurposes: ['marketing'] }, ['support'], false],
    ['a record without the attribute', 'Customer', {}, ['marketing'], false],
    ['a record whose attribute is not a list', 'Customer', { restrictedPurposes: 'marketing' }, ['marketing'], false],
    ['a request no purpose binds', 'Customer', { restrictedPurposes: ['marketing'] }, [], false],
    ['a type that is not the customer’s', 'AuditEvent', { restrictedPurposes: ['marketing'] }, ['marketing'], false],
  ];
  it.each(cases)('%s: %s', (_what, type, record, purposes, expected) => {
    expect(isRestricted(type, record, purposes)).toBe(expected);
  });
});

describe('restrictions and the admin tools', () => {
  // Loaded inside each test: a loader mutant then stays a per-test one for StrykerJS.
  const shipped = () => loadPolicySet(new URL('../../policies', import.meta.url).pathname, contractCatalog);
  const restricted = { restrictedPurposes: ['analytics'] };

  it('are not applied by a symbolic ability (matrix, explain), which decides the policy, not a request', () => {
    expect(symbolicAbility(shipped(), ['analyst']).decide('Customer', { ...restricted }, 'email')).toMatchObject({ decision: 'MASKED', masker: 'email' });
    expect(symbolicAbility(shipped(), ['analyst']).rowFilter('Customer')).toEqual({ kind: 'all' });
  });

  it('bind the same role in a request through its default purpose', () => {
    const analyst = abilityFor(shipped(), { id: 'a1', roles: ['analyst'], teamId: null }, { purpose: null });
    expect(analyst.decide('Customer', { ...restricted }, 'email').decision).toBe('DENIED');
  });
});
