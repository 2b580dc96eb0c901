/**
 * How rules combine into one principal's decisions: rule priority between MASKED rules, rows-only
 * rules, roles sharing a parent, purposes, and the row filter's shape.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { symbolicAbility } from '../../src/policies/ability/ability-for.js';
import { abilityFor, explain, loadPolicySet, type PolicySet } from '../../src/policies/index.js';
import { contractCatalog } from '../fixtures/catalog.fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'koe-ability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'purposes.policy.yaml'), `purposes:
  support: { description: { ja: 対応, en: Support }, legalBasis: contract }
  compliance: { description: { ja: 法令, en: Law }, legalBasis: law }
`);
writeFileSync(join(dir, 'roles.policy.yaml'), `roles:
  base:
    description: b
    department: IT
    defaultPurpose: compliance
    rules:
      - { on: Customer, fields: [email], decision: PLAIN, when: { teamId: $principal.teamId } }
  child_a: { description: a, department: IT, defaultPurpose: compliance, inherits: [base], rules: [] }
  child_b: { description: b, department: IT, defaultPurpose: compliance, inherits: [base], readOnly: true, rules: [] }
  masked_last:
    description: m
    department: IT
    defaultPurpose: compliance
    rules:
      - { on: Customer, fields: [phone], decision: MASKED, masker: redact, when: { segment: vip } }
      - { on: Customer, fields: [phone], decision: MASKED }
  masked_first:
    description: m
    department: IT
    defaultPurpose: compliance
    rules:
      - { on: Customer, fields: [phone], decision: MASKED }
      - { on: Customer, fields: [phone], decision: MASKED, masker: redact, when: { segment: vip } }
  rows_only:
    description: r
    department: IT
    defaultPurpose: compliance
    rules:
      - { on: Feedback, fields: [], decision: PLAIN, when: { status: open } }
      - { on: Feedback, fields: [], decision: PLAIN, when: { status: open } }
      - { on: Feedback, fields: [], decision: PLAIN, when: { status: closed } }
  every_row:
    description: e
    department: IT
    defaultPurpose: compliance
    rules:
      - { on: Feedback, fields: [], decision: PLAIN, when: { status: open } }
      - { on: Feedback, fields: [], decision: PLAIN }
  purpose_bound:
    description: p
    department: IT
    defaultPurpose: compliance
    rules:
      - { on: Customer, fields: [email], decision: PLAIN, purposes: [support] }
  writer:
    description: w
    department: IT
    defaultPurpose: compliance
    rules:
      - { on: Feedback, actions: [update], fields: [status] }
`);
const set: PolicySet = loadPolicySet(dir, contractCatalog);
const as = (roles: string[], purpose: string | null = null, teamId: string | null = 't') => abilityFor(set, { id: 'p', roles, teamId }, { purpose });

describe('rule priority between MASKED rules', () => {
  it('lets the last unconditional MASKED rule decide every row', () => {
    const a = as(['masked_last']);
    expect(a.fieldPlan('Customer', 'phone')).toEqual({ kind: 'static', decision: 'MASKED', masker: 'phone', maskerOptions: null });
    expect(a.decide('Customer', { segment: 'vip' }, 'phone').masker).toBe('phone');
  });

  it('asks the record when a conditional MASKED rule comes last', () => {
    const a = as(['masked_first']);
    expect(a.fieldPlan('Customer', 'phone')).toEqual({ kind: 'conditional' });
    expect(a.decide('Customer', { segment: 'vip' }, 'phone').masker).toBe('redact');
    expect(a.decide('Customer', { segment: 'mass' }, 'phone').masker).toBe('phone');
    expect(explain(set, 'masked_first', 'Customer.phone').summary).toBe('CONDITIONAL(MASKED(redact) if segment = vip; else MASKED(phone)): depends on the record');
  });
});

describe('rows-only rules', () => {
  it('show the rows and their plain fields, never a @pii field', () => {
    const a = as(['rows_only']);
    expect(a.canReadType('Feedback')).toBe(true);
    expect(a.canReadType('Customer')).toBe(false);
    expect(a.decide('Feedback', { status: 'open' }, 'rating').decision).toBe('PLAIN');
    expect(a.decide('Feedback', { status: 'spam' }, 'rating').decision).toBe('DENIED');
    expect(a.decide('Feedback', { status: 'open' }, 'body').decision).toBe('DENIED');
    expect(a.fieldPlan('Feedback', 'body')).toMatchObject({ kind: 'static', decision: 'DENIED' });
  });

  it('give one row-filter branch per distinct condition, in source order', () => {
    expect(as(['rows_only']).rowFilter('Feedback')).toEqual({
      kind: 'where',
      where: { kind: 'or', items: [{ kind: 'cmp', field: 'status', op: 'eq', value: 'open' }, { kind: 'cmp', field: 'status', op: 'eq', value: 'closed' }] },
    });
  });

  it('show every row once one of them is unconditional', () => {
    expect(as(['every_row']).rowFilter('Feedback')).toEqual({ kind: 'all' });
    expect(as(['writer']).rowFilter('Feedback')).toEqual({ kind: 'none' });
  });
});

describe('roles sharing a parent', () => {
  it('count the parent’s rules once', () => {
    const a = as(['child_a', 'child_b']);
    expect(a.grants('Customer', 'email').plain).toHaveLength(1);
    expect(a.rowFilter('Customer')).toEqual({ kind: 'where', where: { kind: 'cmp', field: 'teamId', op: 'eq', value: 't' } });
  });

  it('are read-only only when every role is', () => {
    expect(as(['child_b']).isReadOnly()).toBe(true);
    expect(as(['child_a', 'child_b']).isReadOnly()).toBe(false);
    expect(as(['nobody']).isReadOnly()).toBe(true);
  });
});

describe('purpose-bound rules', () => {
  it('grant only under their purpose', () => {
    expect(as(['purpose_bound'], 'support').decide('Customer', {}, 'email').decision).toBe('PLAIN');
    expect(as(['purpose_bound'], 'compliance').decide('Customer', {}, 'email').decision).toBe('DENIED');
    expect(as(['purpose_bound'], null).decide('Customer', {}, 'email').decision).toBe('DENIED');
  });

  it('stay conditional for tools that know no purpose, and decide when given one', () => {
    expect(symbolicAbility(set, ['purpose_bound']).fieldPlan('Customer', 'email')).toEqual({ kind: 'conditional' });
    expect(symbolicAbility(set, ['purpose_bound'], 'support').fieldPlan('Customer', 'email')).toMatchObject({ decision: 'PLAIN' });
    expect(symbolicAbility(set, ['purpose_bound'], null).fieldPlan('Customer', 'email')).toMatchObject({ decision: 'DENIED' });
  });
});

describe('decisions with the rule that made them', () => {
  it('name the rule for a PLAIN row field, and none when nothing matched', () => {
    const a = as(['rows_only']);
    expect(a.decideWithRule('Feedback', { status: 'closed' }, 'rating')).toMatchObject({ result: { decision: 'PLAIN' }, rule: { cond: { value: 'closed' } } });
    expect(a.decideWithRule('Feedback', { status: 'spam' }, 'rating')).toEqual({ result: expect.objectContaining({ decision: 'DENIED' }), rule: null });
    expect(a.decideWithRule('Feedback', { status: 'open' }, 'nope')).toEqual({ result: expect.objectContaining({ decision: 'DENIED' }), rule: null });
  });

  it('name the MASKED rule that applied', () => {
    const { result, rule } = as(['masked_first']).decideWithRule('Customer', { segment: 'vip' }, 'phone');
    expect(result).toMatchObject({ decision: 'MASKED', masker: 'redact' });
    expect(rule?.rule.masks.phone?.masker).toBe('redact');
    expect(as(['masked_first']).decideWithRule('Customer', { segment: 'vip' }, 'email')).toMatchObject({ result: { decision: 'DENIED' }, rule: null });
  });

  it('knows no grants on an unknown field', () => {
    expect(as(['base']).grants('Customer', 'nope')).toEqual({ plain: [], masked: [], rows: [] });
    expect(as(['base']).fieldPlan('Customer', 'nope')).toMatchObject({ decision: 'DENIED' });
  });
});

describe('a use restriction', () => {
  const restricted = { teamId: 't', status: 'open', restrictedPurposes: ['support'] };

  it('denies every field of a record restricted for the purpose the request declares', () => {
    expect(as(['base'], 'support').decide('Customer', { ...restricted }, 'email').decision).toBe('DENIED');
    expect(as(['rows_only'], 'support').decide('Feedback', { ...restricted }, 'rating').decision).toBe('DENIED');
    expect(as(['writer'], 'support').canUpdate('Feedback', { ...restricted }, 'status')).toBe(false);
  });

  it('leaves records restricted for another purpose, and requests under no binding purpose, alone', () => {
    expect(as(['base'], 'support').decide('Customer', { teamId: 't', restrictedPurposes: ['marketing'] }, 'email').decision).toBe('PLAIN');
    expect(as(['base'], null).decide('Customer', { ...restricted }, 'email').decision).toBe('PLAIN');
    expect(as(['writer'], null).canUpdate('Feedback', { ...restricted }, 'status')).toBe(true);
    expect(as(['writer'], null).canUpdate('Feedback', { ...restricted }, 'nope')).toBe(false);
  });
});
