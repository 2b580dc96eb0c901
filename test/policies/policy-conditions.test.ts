import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  abilityFor, condToMikroOrmWhere, loadPolicySet, PushDownError, VIRTUAL_ATTRIBUTES, type CondNode, type Decision, type PolicySet,
} from '../../src/policies/index.js';
import { contractCatalog } from '../fixtures/catalog.fixture.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A policy set with one role whose only PLAIN rule on Customer.email has the given condition. */
function setWithCondition(when: string): PolicySet {
  const dir = mkdtempSync(join(tmpdir(), 'koe-policy-cond-'));
  dirs.push(dir);
  writeFileSync(
    join(dir, 'purposes.policy.yaml'),
    'purposes:\n  marketing:\n    description: { ja: 販促, en: Marketing }\n    legalBasis: consent\n  compliance:\n    description: { ja: 法令, en: Law }\n    legalBasis: law\n',
  );
  // defaultPurpose compliance: no use restriction binds the role, so row filters show the condition alone.
  writeFileSync(join(dir, 'roles.policy.yaml'), `roles:\n  r:\n    description: d\n    department: IT\n    defaultPurpose: compliance\n    rules:\n      - { on: Customer, fields: [email], decision: PLAIN, when: ${when} }\n`);
  return loadPolicySet(dir, contractCatalog);
}

describe('conditions in memory (CASL)', () => {
  const principal = { id: 'p-1', roles: ['r'], teamId: 'team-a', attributes: { region: 'kanto', teams: ['team-c', 'team-d'] } };
  // [condition, record, expected]
  const cases: Array<[string, Record<string, unknown>, Decision]> = [
    ['{ teamId: $principal.teamId }', { teamId: 'team-a' }, 'PLAIN'],
    ['{ teamId: $principal.teamId }', { teamId: 'team-b' }, 'DENIED'],
    ['{ $or: [{ teamId: $principal.teamId }, { segment: vip }] }', { teamId: 'team-b', segment: 'vip' }, 'PLAIN'],
    ['{ $or: [{ teamId: $principal.teamId }, { segment: vip }] }', { teamId: 'team-b', segment: 'mass' }, 'DENIED'],
    ['{ $and: [{ teamId: $principal.teamId }, { segment: vip }] }', { teamId: 'team-a', segment: 'mass' }, 'DENIED'],
    ['{ $not: { segment: vip } }', { segment: 'mass' }, 'PLAIN'],
    ['{ $not: { segment: vip } }', { segment: 'vip' }, 'DENIED'],
    ['{ $not: { $or: [{ segment: vip }, { segment: gold }] } }', { segment: 'gold' }, 'DENIED'],
    ['{ $not: { $or: [{ segment: vip }, { segment: gold }] } }', { segment: 'mass' }, 'PLAIN'],
    ['{ teamId: { $in: $principal.teams } }', { teamId: 'team-d' }, 'PLAIN'],
    ['{ teamId: { $in: $principal.teams } }', { teamId: 'team-a' }, 'DENIED'],
    ['{ teamId: { $nin: [team-x] } }', { teamId: null }, 'PLAIN'],
    ['{ teamId: { $ne: team-x } }', { teamId: 'team-x' }, 'DENIED'],
    ['{ prefecture: $principal.region }', { prefecture: 'kanto' }, 'PLAIN'],
    ['{ prefecture: $principal.missing }', { prefecture: null }, 'DENIED'],
    ['{ prefecture: $principal.missing }', {}, 'DENIED'],
    ['{ teamId: { $nin: [$principal.missing] } }', { teamId: 'team-z' }, 'DENIED'],
    ['{ consentedPurposes: marketing }', { consentedPurposes: ['support', 'marketing'] }, 'PLAIN'],
    ['{ consentedPurposes: marketing }', { consentedPurposes: ['support'] }, 'DENIED'],
    ['{ consentedPurposes: { $ne: marketing } }', { consentedPurposes: ['marketing'] }, 'DENIED'],
    ['{ consentedPurposes: $request.purpose }', { consentedPurposes: ['marketing'] }, 'PLAIN'],
  ];

  it.each(cases)('%s on %j decides %s', (when, record, expected) => {
    const ability = abilityFor(setWithCondition(when), principal, { purpose: 'marketing' });
    expect(ability.decide('Customer', { ...record }, 'email').decision).toBe(expected);
  });

  it('makes a principal without a team match no own-team record, not the team-less ones', () => {
    const ability = abilityFor(setWithCondition('{ teamId: $principal.teamId }'), { id: 'p', roles: ['r'], teamId: null }, { purpose: null });
    expect(ability.decide('Customer', { teamId: null }, 'email').decision).toBe('DENIED');
    expect(ability.rowFilter('Customer')).toEqual({ kind: 'none' });
  });

  it('resolves placeholders in the row filter and keeps one branch per alternative', () => {
    const ability = abilityFor(setWithCondition('{ $or: [{ teamId: $principal.teamId }, { segment: vip }] }'), principal, { purpose: null });
    expect(ability.rowFilter('Customer')).toEqual({
      kind: 'where',
      where: { kind: 'or', items: [{ kind: 'cmp', field: 'teamId', op: 'eq', value: 'team-a' }, { kind: 'cmp', field: 'segment', op: 'eq', value: 'vip' }] },
    });
  });

  it('turns "not any of" into one $nin', () => {
    const ability = abilityFor(setWithCondition('{ $not: { $or: [{ segment: vip }, { segment: gold }] } }'), principal, { purpose: null });
    expect(ability.rowFilter('Customer')).toEqual({ kind: 'where', where: { kind: 'cmp', field: 'segment', op: 'nin', value: ['vip', 'gold'] } });
  });

  it('pushes $not down onto the comparisons', () => {
    const ability = abilityFor(setWithCondition('{ $not: { $and: [{ segment: vip }, { createdAt: { $gt: 2024 } }] } }'), principal, { purpose: null });
    const filter = ability.rowFilter('Customer');
    expect(filter).toEqual({
      kind: 'where',
      where: { kind: 'or', items: [{ kind: 'cmp', field: 'segment', op: 'ne', value: 'vip' }, { kind: 'cmp', field: 'createdAt', op: 'lte', value: 2024 }] },
    });
  });
});

describe(condToMikroOrmWhere.name, () => {
  const cmp = (field: string, op: CondNode extends infer N ? (N extends { op: infer O } ? O : never) : never, value: unknown): CondNode =>
    ({ kind: 'cmp', field, op, value } as CondNode);
  const consentedPurposes = (op: string, value: unknown) => ({ consents: { purpose: value, withdrawnAt: null, op } });

  const cases: Array<[string, CondNode, object]> = [
    ['equality', cmp('teamId', 'eq', 'a'), { teamId: 'a' }],
    ['equality with null', cmp('teamId', 'eq', null), { teamId: null }],
    ['inequality, which holds for a missing value as in memory', cmp('teamId', 'ne', 'a'), { $or: [{ teamId: { $ne: 'a' } }, { teamId: null }] }],
    ['inequality with null', cmp('teamId', 'ne', null), { teamId: { $ne: null } }],
    ['a list', cmp('teamId', 'in', ['a', 'b']), { teamId: { $in: ['a', 'b'] } }],
    ['a list with null', cmp('teamId', 'in', ['a', null]), { $or: [{ teamId: { $in: ['a'] } }, { teamId: null }] }],
    ['a negative list', cmp('teamId', 'nin', ['a']), { $or: [{ teamId: { $nin: ['a'] } }, { teamId: null }] }],
    ['a negative list with null', cmp('teamId', 'nin', ['a', null]), { teamId: { $nin: ['a'], $ne: null } }],
    ['a comparison', cmp('rating', 'gte', 5), { rating: { $gte: 5 } }],
    ['an OR', { kind: 'or', items: [cmp('teamId', 'eq', 'a'), cmp('segment', 'eq', 'vip')] }, { $or: [{ teamId: 'a' }, { segment: 'vip' }] }],
    ['an AND', { kind: 'and', items: [cmp('teamId', 'eq', 'a'), cmp('rating', 'lt', 3)] }, { $and: [{ teamId: 'a' }, { rating: { $lt: 3 } }] }],
    ['a NOT', { kind: 'not', item: cmp('teamId', 'eq', 'a') }, { $not: { teamId: 'a' } }],
    ['a virtual attribute through its translator', cmp('consentedPurposes', 'eq', 'marketing'), { consents: { purpose: 'marketing', withdrawnAt: null, op: 'eq' } }],
  ];

  it.each(cases)('translates %s', (_what, cond, expected) => {
    expect(condToMikroOrmWhere(cond, { consentedPurposes })).toEqual(expected);
  });

  it('refuses a virtual attribute without a translator rather than querying a missing column', () => {
    expect(() => condToMikroOrmWhere(cmp('consentedPurposes', 'eq', 'marketing'))).toThrow(PushDownError);
  });

  it('refuses an empty OR, which would match every row in MikroORM', () => {
    expect(() => condToMikroOrmWhere({ kind: 'or', items: [] })).toThrow(PushDownError);
  });

  it('declares Customer.consentedPurposes as a virtual list of purposes', () => {
    expect(VIRTUAL_ATTRIBUTES.Customer?.consentedPurposes).toMatchObject({ list: true, values: 'purpose' });
  });
});
