import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { abilityFor, KoeAbility, loadPolicySet, type CondNode, type Decision, type PrincipalInput, type RowFilter } from '../../src/policies/index.js';
import { contractCatalog } from '../fixtures/catalog.fixture.js';

const POLICY_DIR = fileURLToPath(new URL('../../policies', import.meta.url));
const set = loadPolicySet(POLICY_DIR, contractCatalog);

const ownTeam = { teamId: 'team-a' };
const otherTeam = { teamId: 'team-b' };
const consenting = { teamId: 'team-b', consentedPurposes: ['support', 'marketing'] };
const notConsenting = { teamId: 'team-b', consentedPurposes: ['support'] };

interface Ask {
  readonly teamId?: string | null;
  readonly purpose?: string | null;
  readonly record?: Record<string, unknown>;
}

function ability(role: string | readonly string[], ask: Ask = {}) {
  const principal: PrincipalInput = { id: 'p-1', roles: typeof role === 'string' ? [role] : role, teamId: ask.teamId === undefined ? 'team-a' : ask.teamId };
  return abilityFor(set, principal, { purpose: ask.purpose ?? null });
}

describe(`${KoeAbility.name}.${KoeAbility.prototype.decide.name}`, () => {
  // [role, what, expected, type.field, ask]
  const cases: Array<[string, string, Decision | `MASKED(${string})`, string, Ask]> = [
    ['admin', 'Customer.email of another team', 'PLAIN', 'Customer.email', { record: otherTeam }],
    ['admin', 'Feedback.body', 'PLAIN', 'Feedback.body', { record: otherTeam }],
    ['admin', 'AuditEvent.hash', 'PLAIN', 'AuditEvent.hash', {}],
    ['admin', 'Principal.roles', 'PLAIN', 'Principal.roles', {}],
    ['support_agent', 'Customer.email of own team', 'PLAIN', 'Customer.email', { record: ownTeam }],
    ['support_agent', 'Customer.email of another team', 'MASKED(email)', 'Customer.email', { record: otherTeam }],
    ['support_agent', 'Customer.name of another team', 'MASKED(name)', 'Customer.name', { record: otherTeam }],
    ['support_agent', 'Customer.address of another team', 'MASKED(prefecture)', 'Customer.address', { record: otherTeam }],
    ['support_agent', 'Customer.birthDate of another team', 'MASKED(year)', 'Customer.birthDate', { record: otherTeam }],
    ['support_agent', 'Customer.phone of a team-less customer, agent without team', 'MASKED(phone)', 'Customer.phone', { teamId: null, record: { teamId: null } }],
    ['support_agent', 'Customer.segment of another team', 'PLAIN', 'Customer.segment', { record: otherTeam }],
    ['support_agent', 'Feedback.body of own team', 'PLAIN', 'Feedback.body', { record: ownTeam }],
    ['support_agent', 'Feedback.body of another team', 'MASKED(freeText)', 'Feedback.body', { record: otherTeam }],
    ['support_agent', 'AuditEvent.action', 'DENIED', 'AuditEvent.action', {}],
    ['analyst', 'Customer.email', 'MASKED(email)', 'Customer.email', { record: ownTeam, purpose: 'analytics' }],
    ['analyst', 'Customer.nameKana', 'MASKED(name)', 'Customer.nameKana', {}],
    ['analyst', 'Customer.address', 'MASKED(prefecture)', 'Customer.address', {}],
    ['analyst', 'Customer.birthDate', 'MASKED(year)', 'Customer.birthDate', {}],
    ['analyst', 'Customer.purchases', 'MASKED(purchase)', 'Customer.purchases', {}],
    ['analyst', 'Feedback.body', 'MASKED(freeText)', 'Feedback.body', {}],
    ['analyst', 'Customer.customerKey', 'PLAIN', 'Customer.customerKey', {}],
    ['analyst', 'Principal.displayName', 'DENIED', 'Principal.displayName', {}],
    ['bi_readonly', 'Customer.name', 'DENIED', 'Customer.name', {}],
    ['bi_readonly', 'Customer.email', 'DENIED', 'Customer.email', {}],
    ['bi_readonly', 'Customer.purchases', 'DENIED', 'Customer.purchases', {}],
    ['bi_readonly', 'Customer.customerKey', 'PLAIN', 'Customer.customerKey', {}],
    ['bi_readonly', 'Feedback.body', 'MASKED(freeText)', 'Feedback.body', {}],
    ['bi_readonly', 'Purchase.amount', 'DENIED', 'Purchase.amount', {}],
    ['marketing', 'Customer.email of a consenting customer', 'PLAIN', 'Customer.email', { record: consenting }],
    ['marketing', 'Customer.email of a customer who does not consent', 'DENIED', 'Customer.email', { record: notConsenting }],
    ['marketing', 'Customer.email of a record without consent list', 'DENIED', 'Customer.email', { record: otherTeam }],
    ['marketing', 'Customer.name of a consenting customer', 'DENIED', 'Customer.name', { record: consenting }],
    ['marketing', 'Customer.segment of a consenting customer', 'PLAIN', 'Customer.segment', { record: consenting }],
    ['marketing', 'Customer.segment of a customer who does not consent', 'DENIED', 'Customer.segment', { record: notConsenting }],
    ['marketing', 'Feedback.body', 'DENIED', 'Feedback.body', { record: ownTeam }],
    ['auditor', 'Customer.email', 'DENIED', 'Customer.email', { record: ownTeam }],
    ['auditor', 'Customer.customerKey', 'DENIED', 'Customer.customerKey', {}],
    ['auditor', 'Feedback.body', 'DENIED', 'Feedback.body', {}],
    ['auditor', 'AuditEvent.action', 'PLAIN', 'AuditEvent.action', {}],
    ['dpo', 'Customer.email for compliance', 'PLAIN', 'Customer.email', { purpose: 'compliance' }],
    ['dpo', 'Feedback.body for compliance', 'PLAIN', 'Feedback.body', { purpose: 'compliance' }],
    ['dpo', 'Customer.email without a purpose', 'DENIED', 'Customer.email', {}],
    ['dpo', 'Customer.email for support', 'DENIED', 'Customer.email', { purpose: 'support' }],
    ['dpo', 'Customer.customerKey without a purpose', 'PLAIN', 'Customer.customerKey', {}],
    ['ingest', 'Customer.email', 'DENIED', 'Customer.email', {}],
    ['ingest', 'Customer.customerKey', 'DENIED', 'Customer.customerKey', {}],
    ['intern (unknown role)', 'Customer.segment', 'DENIED', 'Customer.segment', {}],
    ['intern (unknown role)', 'Customer.email', 'DENIED', 'Customer.email', {}],
    ['admin', 'an unknown field Customer.password', 'DENIED', 'Customer.password', {}],
    ['admin', 'a field of an unknown type Order.total', 'DENIED', 'Order.total', {}],
  ];

  it.each(cases)('%s sees %s as %s', (role, _what, expected, typeField, ask) => {
    const [type, field] = typeField.split('.') as [string, string];
    const d = ability(role.split(' ')[0]!, ask).decide(type, { ...(ask.record ?? {}) }, field);
    expect(d.decision === 'MASKED' ? `MASKED(${d.masker})` : d.decision).toBe(expected);
  });

  it('decides on a frozen record without throwing', () => {
    const record = Object.freeze({ teamId: 'team-a' });
    expect(ability('support_agent').decide('Customer', record, 'email').decision).toBe('PLAIN');
  });

  it('decides on a record that was tagged as another CASL subject type before', () => {
    const record = { teamId: 'team-a' };
    ability('support_agent').decide('Feedback', record, 'body');
    expect(ability('support_agent').decide('Customer', record, 'email').decision).toBe('PLAIN');
  });
});

describe(`${KoeAbility.name}.${KoeAbility.prototype.fieldPlan.name}`, () => {
  const cases: Array<[string, string, string, Ask]> = [
    ['admin', 'Customer.email', 'PLAIN', {}],
    ['analyst', 'Customer.email', 'MASKED(email)', {}],
    ['analyst', 'Customer.address', 'MASKED(prefecture)', {}],
    ['analyst', 'Customer.segment', 'PLAIN', {}],
    ['support_agent', 'Customer.name', 'conditional', {}],
    ['support_agent', 'Customer.segment', 'PLAIN', {}],
    ['bi_readonly', 'Customer.name', 'DENIED', {}],
    ['marketing', 'Customer.email', 'conditional', {}],
    ['marketing', 'Customer.segment', 'conditional', {}],
    ['marketing', 'Customer.phone', 'DENIED', {}],
    ['dpo', 'Customer.email', 'PLAIN', { purpose: 'compliance' }],
    ['dpo', 'Customer.email', 'DENIED', {}],
    ['auditor', 'Customer.email', 'DENIED', {}],
    ['intern', 'Customer.email', 'DENIED', {}],
  ];

  it.each(cases)('%s plans %s as %s', (role, typeField, expected, ask) => {
    const [type, field] = typeField.split('.') as [string, string];
    const plan = ability(role, ask).fieldPlan(type, field);
    const text = plan.kind === 'conditional' ? 'conditional' : plan.decision === 'MASKED' ? `MASKED(${plan.masker})` : plan.decision;
    expect(text).toBe(expected);
  });
});

describe(`${KoeAbility.name}.${KoeAbility.prototype.rowFilter.name}`, () => {
  // Without a declared purpose, each role's default purpose binds: its restrictions are in the row filter.
  const unrestricted = (purpose: string): CondNode => ({ kind: 'cmp', field: 'restrictedPurposes', op: 'ne', value: purpose });
  const bound = (purpose: string, rule?: CondNode): RowFilter => ({ kind: 'where', where: rule ? { kind: 'and', items: [rule, unrestricted(purpose)] } : unrestricted(purpose) });
  const cases: Array<[string, string, RowFilter]> = [
    ['admin', 'Customer', bound('support')],
    ['support_agent', 'Customer', bound('support')],
    ['support_agent', 'Feedback', bound('support')],
    ['analyst', 'Purchase', bound('analytics')],
    ['bi_readonly', 'Purchase', { kind: 'none' }],
    ['marketing', 'Customer', bound('marketing', { kind: 'cmp', field: 'consentedPurposes', op: 'eq', value: 'marketing' })],
    ['marketing', 'Feedback', { kind: 'none' }],
    [
      'marketing', 'Consent',
      bound('marketing', { kind: 'and', items: [{ kind: 'cmp', field: 'purpose', op: 'eq', value: 'marketing' }, { kind: 'cmp', field: 'withdrawnAt', op: 'eq', value: null }] }),
    ],
    // The DPO's default (compliance) binds no restriction: restricted customers stay findable for a case.
    ['dpo', 'Customer', { kind: 'all' }],
    ['auditor', 'Customer', { kind: 'none' }],
    ['auditor', 'AuditEvent', { kind: 'all' }],
    ['ingest', 'Customer', { kind: 'none' }],
    ['intern', 'Customer', { kind: 'none' }],
  ];

  it.each(cases)('%s gets rows of %s as %j', (role, type, expected) => {
    expect(ability(role).rowFilter(type)).toEqual(expected);
  });

  it('gives the union of rows for several roles, bound by the restrictions of each role’s purpose', () => {
    expect(ability(['marketing', 'analyst']).rowFilter('Customer')).toEqual({
      kind: 'where', where: { kind: 'cmp', field: 'restrictedPurposes', op: 'nin', value: ['analytics', 'marketing'] },
    });
  });

  it('adds the declared purpose’s restrictions to the role’s own, never drops them', () => {
    expect(ability('analyst', { purpose: 'compliance' }).rowFilter('Purchase')).toEqual(bound('analytics'));
    expect(ability('analyst', { purpose: 'marketing' }).rowFilter('Purchase')).toEqual({
      kind: 'where', where: { kind: 'cmp', field: 'restrictedPurposes', op: 'nin', value: ['analytics', 'marketing'] },
    });
  });
});

describe(`${KoeAbility.name}.${KoeAbility.prototype.canMutate.name}`, () => {
  const cases: Array<[string, string, boolean, Ask]> = [
    ['admin', 'grantRole', true, {}],
    // Erasure is the DPO's decision alone: admins run every other mutation, by name.
    ['admin', 'requestErasure', false, {}],
    ['admin', 'requestErasure', false, { purpose: 'compliance' }],
    ['admin', 'recordProvision', false, {}],
    ['support_agent', 'updateFeedbackStatus', true, {}],
    ['support_agent', 'submitFeedback', false, {}],
    ['ingest', 'submitFeedback', true, {}],
    ['ingest', 'upsertCustomer', true, {}],
    ['ingest', 'updateFeedbackStatus', false, {}],
    ['dpo', 'requestErasure', true, { purpose: 'compliance' }],
    ['dpo', 'requestErasure', false, {}],
    ['dpo', 'requestErasure', false, { purpose: 'support' }],
    // Recording a third-party provision (APPI Art. 29) is the DPO's, for a compliance case only.
    ['dpo', 'recordProvision', true, { purpose: 'compliance' }],
    ['dpo', 'recordProvision', false, {}],
    ['intern', 'submitFeedback', false, {}],
    ['admin', 'dropDatabase', false, {}],
    ...(['analyst', 'bi_readonly', 'marketing', 'auditor'] as const).flatMap((role) =>
      contractCatalog.mutations.map((m): [string, string, boolean, Ask] => [role, m, false, {}])),
  ];

  it.each(cases)('%s calling %s is allowed: %s', (role, mutation, expected, ask) => {
    expect(ability(role, ask).canMutate(mutation)).toBe(expected);
  });
});

describe(`${KoeAbility.name}.${KoeAbility.prototype.canUpdate.name}`, () => {
  const cases: Array<[string, string, boolean, Record<string, unknown>]> = [
    ['support_agent', 'Feedback.status of own team', true, ownTeam],
    ['support_agent', 'Feedback.note of own team', true, ownTeam],
    ['support_agent', 'Feedback.status of another team', false, otherTeam],
    ['support_agent', 'Feedback.body of own team', false, ownTeam],
    ['analyst', 'Feedback.status of own team', false, ownTeam],
    ['admin', 'Feedback.status of another team', true, otherTeam],
    ['admin', 'AuditEvent.outcome', false, {}],
  ];

  it.each(cases)('%s updating %s is allowed: %s', (role, what, expected, record) => {
    const [type, field] = what.split(' ')[0]!.split('.') as [string, string];
    expect(ability(role).canUpdate(type, { ...record }, field)).toBe(expected);
  });
});

describe(`${KoeAbility.name}.${KoeAbility.prototype.isReadOnly.name}`, () => {
  const cases: Array<[string[], boolean]> = [
    [['analyst'], true], [['bi_readonly'], true], [['marketing'], true], [['auditor'], true],
    [['admin'], false], [['support_agent'], false], [['dpo'], false], [['ingest'], false],
    [['analyst', 'support_agent'], false], [['intern'], true], [[], true],
  ];

  it.each(cases)('%j is read-only: %s', (roles, expected) => {
    expect(ability(roles).isReadOnly()).toBe(expected);
  });
});

describe(`${KoeAbility.name}.${KoeAbility.prototype.canFilterOrSort.name}`, () => {
  const cases: Array<[string, string, boolean]> = [
    ['admin', 'Customer.email', true],
    ['analyst', 'Customer.email', false],
    ['analyst', 'Customer.prefecture', true],
    ['support_agent', 'Customer.name', false],
    ['support_agent', 'Customer.teamId', true],
    ['bi_readonly', 'Customer.email', false],
    ['bi_readonly', 'Customer.segment', true],
    ['marketing', 'Customer.email', true],
    ['marketing', 'Customer.segment', true],
    ['marketing', 'Customer.name', false],
    ['auditor', 'Customer.segment', false],
    ['intern', 'Customer.segment', false],
  ];

  it.each(cases)('%s may filter or sort on %s: %s', (role, typeField, expected) => {
    const [type, field] = typeField.split('.') as [string, string];
    expect(ability(role).canFilterOrSort(type, field)).toBe(expected);
  });
});

describe(`${KoeAbility.name}.${KoeAbility.prototype.decisions.name}`, () => {
  it('lists every @pii field with its decision for the me query', () => {
    expect(ability('support_agent').decisions(contractCatalog)).toContainEqual({ field: 'Customer.email', decision: 'CONDITIONAL' });
    expect(ability('analyst').decisions(contractCatalog)).toContainEqual({ field: 'Customer.email', decision: 'MASKED' });
    expect(ability('bi_readonly').decisions(contractCatalog)).toContainEqual({ field: 'Customer.name', decision: 'DENIED' });
    expect(ability('admin').decisions(contractCatalog).every((d) => d.decision === 'PLAIN')).toBe(true);
    expect(ability('intern').decisions(contractCatalog).every((d) => d.decision === 'DENIED')).toBe(true);
    expect(ability('admin').decisions(contractCatalog)).toHaveLength(9);
  });
});

describe(abilityFor.name, () => {
  it('reuses the ability for the same roles, team and purpose', () => {
    expect(ability('support_agent')).toBe(ability('support_agent'));
    expect(abilityFor(set, { id: 'other', roles: ['support_agent'], teamId: 'team-a' }, { purpose: null })).toBe(ability('support_agent'));
  });

  it('builds another ability when the team, roles or purpose differ', () => {
    expect(ability('support_agent', { teamId: 'team-b' })).not.toBe(ability('support_agent'));
    expect(ability(['support_agent', 'analyst'])).not.toBe(ability('support_agent'));
    expect(ability('dpo', { purpose: 'compliance' })).not.toBe(ability('dpo'));
  });

  it('ignores role order and duplicates', () => {
    expect(ability(['analyst', 'support_agent', 'analyst'])).toBe(ability(['support_agent', 'analyst']));
  });

  it('does not throw for unknown roles', () => {
    expect(() => ability(['intern', '']).decide('Customer', {}, 'email')).not.toThrow();
  });
});
