/**
 * Which rules, roles and declarations the loader refuses (with the message and position a policy
 * author reads), and what an accepted rule grants once compiled.
 */
import { describe, expect, it } from 'vitest';
import { contractCatalog } from '../fixtures/catalog.fixture.js';
import { policyDirs } from '../fixtures/policy-dir.js';

const PURPOSES = 'purposes:\n  support:\n    description: { ja: 対応, en: Support }\n    legalBasis: contract\n  marketing:\n    description: { ja: 販促, en: Marketing }\n    legalBasis: consent\n    requiresConsent: true\n';

const { load, problems } = policyDirs({ 'purposes.policy.yaml': PURPOSES });

/** One role `agent` (line 2) whose rules start at line 6, or later after the role keys given. */
function role(rules: string[], keys = ''): string {
  return `roles:\n  agent:\n    description: d\n    department: IT\n${keys}    rules:\n${rules.length ? rules.map((r) => `      - ${r}\n`).join('') : '      []\n'}`;
}

describe('refused rules', () => {
  const cases: Array<[string, Record<string, string>, string[]]> = [
    ['Mutation beside a type', { 'r.policy.yaml': role(['{ on: [Mutation, Feedback], fields: [grantRole] }']) }, [
      'r.policy.yaml:6:15: Mutation stands alone in `on:`: write a separate rule for the types',
      'r.policy.yaml:6:46: unknown field "grantRole" on Feedback (known: id, customer, channel, receivedAt, subject, body, rating, sentiment, tags, piiFlags, status, teamId, note)',
    ]],
    ['an unknown type in a list', { 'r.policy.yaml': role(['{ on: [Feedback, Feedbak], fields: [body], decision: PLAIN }']) }, [
      'r.policy.yaml:6:26: unknown type "Feedbak" (known: Customer, Purchase, Consent, Feedback, AuditEvent, ProvisionRecord, Principal, GrantRequest, IncidentReport, PolicyMatrix, KeyStatus, LifecycleDryRun, ApiKey, AccessReviewRow, PeriodicReview, PeriodicReviewItem, AuditVerification, UseRestriction, Mutation; did you mean "Feedback"?)',
    ]],
    ['a read action on Mutation', { 'r.policy.yaml': role(['{ on: Mutation, actions: [read], fields: [grantRole] }']) }, [
      'r.policy.yaml:6:35: action "read" does not apply to Mutation: use [execute]',
    ]],
    ['a decision on a write rule', { 'r.policy.yaml': role(['{ on: Feedback, actions: [update], fields: [status], decision: PLAIN }']) }, [
      'r.policy.yaml:6:62: `decision` applies to read only: remove it from this write rule',
    ]],
    ['a masker without MASKED', { 'r.policy.yaml': role(['{ on: Customer, fields: [email], decision: PLAIN, masker: hash }']) }, [
      'r.policy.yaml:6:59: `masker` needs `decision: MASKED`',
    ]],
    ['a write rule naming no field', { 'r.policy.yaml': role(['{ on: Feedback, actions: [update], fields: [] }']) }, [
      'r.policy.yaml:6:52: an empty field list allows nothing here: list the fields written',
    ]],
    ['a Mutation rule naming no mutation', { 'r.policy.yaml': role(['{ on: Mutation, fields: [] }']) }, [
      'r.policy.yaml:6:33: an empty field list allows nothing here: list the mutations',
    ]],
    ['an unknown purpose in a list', { 'r.policy.yaml': role(['{ on: Customer, fields: [email], decision: PLAIN, purposes: [support, markting] }']) }, [
      'r.policy.yaml:6:79: unknown purpose "markting": declare it in purposes.policy.yaml (known: support, marketing; did you mean "marketing"?)',
    ]],
    ['an unknown defaultPurpose', { 'r.policy.yaml': role([], '    defaultPurpose: suport\n') }, [
      'r.policy.yaml:5:21: unknown purpose "suport" as defaultPurpose: declare it in purposes.policy.yaml (known: support, marketing; did you mean "support"?)',
    ]],
    ['a condition with too many alternatives', {
      'r.policy.yaml': role([`{ on: Customer, fields: [email], decision: PLAIN, when: { $and: [${Array.from({ length: 7 }, (_, i) => `{ $or: [{ teamId: a${i} }, { segment: b${i} }] }`).join(', ')}] } }`]),
    }, ['r.policy.yaml:6:65: condition expands to 128 alternatives (at most 64): split it into several rules']],
    ['a write inherited by a read-only role', {
      'r.policy.yaml': `${role(['{ on: Feedback, actions: [update], fields: [status] }'])}  viewer:\n    description: v\n    department: IT\n    readOnly: true\n    inherits: [agent]\n    rules: []\n`,
    }, [
      'r.policy.yaml:10:5: read-only role "viewer" has a update rule on Feedback (inherited from "agent") at r.policy.yaml:6: remove the rule or set readOnly: false',
    ]],
    ['a masker alias named like a built-in masker', { 'm.policy.yaml': 'maskers:\n  email: { masker: hash }\n' }, [
      'm.policy.yaml:2:3: masker alias "email" hides the built-in masker of that name: choose another name',
    ]],
    ['an alias of an unknown masker', { 'm.policy.yaml': 'maskers:\n  pseudo: { masker: hsh }\n' }, [
      'm.policy.yaml:2:21: unknown masker "hsh" (built-in maskers: email, phone, name, prefecture, year, hash, redact, freeText, purchase; did you mean "hash"?)',
    ]],
    ['a purpose declared twice', { 'p2.policy.yaml': 'purposes:\n  support:\n    description: { ja: 対応, en: Support }\n    legalBasis: contract\n' }, [
      'purposes.policy.yaml:2:3: purpose "support" is declared twice (first at p2.policy.yaml:2): keep one',
    ]],
    ['a masker alias declared twice', { 'm1.policy.yaml': 'maskers:\n  pseudo: { masker: hash }\n', 'm2.policy.yaml': 'maskers:\n  pseudo: { masker: hash }\n' }, [
      'm2.policy.yaml:2:3: masker "pseudo" is declared twice (first at m1.policy.yaml:2): keep one',
    ]],
    ['rotation declared twice', { 'k1.policy.yaml': 'rotation: { maxAgeDays: 30 }\n', 'k2.policy.yaml': 'rotation: { maxAgeDays: 60 }\n' }, [
      'k2.policy.yaml:1:1: "rotation:" is declared twice (first in k1.policy.yaml): keep one',
    ]],
    ['an inheritance cycle reported once', {
      'r.policy.yaml': 'roles:\n  a:\n    description: d\n    department: IT\n    inherits: [b]\n    rules: []\n  b:\n    description: d\n    department: IT\n    inherits: [c]\n    rules: []\n  c:\n    description: d\n    department: IT\n    inherits: [a]\n    rules: []\n',
    }, ['r.policy.yaml:5:5: inheritance cycle a -> b -> c -> a: remove one of these inherits']],
  ];

  it.each(cases)('%s', (_what, files, expected) => {
    expect(problems(files)).toEqual(expected);
  });
});

describe('compiled rules', () => {
  const set = load({
    'm.policy.yaml': 'maskers:\n  pseudonym: { masker: hash, options: { salt: s } }\n',
    'r.policy.yaml': role([
      '{ on: Customer, fields: [email, segment, phone], decision: PLAIN }',
      '{ on: Customer, fields: [name, address], decision: MASKED }',
      '{ on: Customer, fields: [nameKana], decision: MASKED, masker: pseudonym }',
      '{ on: Customer, fields: [birthDate], decision: MASKED, masker: redact }',
      "{ on: Feedback, actions: [read, update], fields: '*', decision: PLAIN }",
      '{ on: [Purchase, Consent], fields: [], decision: PLAIN, purposes: [support] }',
      '{ on: Mutation, fields: [grantRole] }',
    ], '    defaultPurpose: support\n'),
  });
  const rules = set.roles.get('agent')!.rules;
  const pick = (type: string, action: string) => rules.filter((r) => r.type === type && r.action === action);

  it('decides only the @pii fields of a read rule', () => {
    expect(pick('Customer', 'read')[0]!.fields).toEqual(['email', 'phone']);
  });

  it('gives MASKED fields their category default, an alias, or the masker named', () => {
    const masked = pick('Customer', 'read_masked');
    expect(masked.map((r) => r.masks)).toEqual([
      { name: { masker: 'name', alias: null, options: null }, address: { masker: 'prefecture', alias: null, options: null } },
      { nameKana: { masker: 'hash', alias: 'pseudonym', options: { salt: 's' } } },
      { birthDate: { masker: 'redact', alias: null, options: null } },
    ]);
  });

  it("expands '*' to every field and marks the rule as a wildcard", () => {
    const [read] = pick('Feedback', 'read');
    const [update] = pick('Feedback', 'update');
    expect(read!.fields).toEqual(['subject', 'body']);
    expect(read!.wildcard).toBe(true);
    expect(update!.fields).toEqual(Object.keys(contractCatalog.types.Feedback!.fields));
    expect(pick('Customer', 'read')[0]!.wildcard).toBe(false);
  });

  it('makes one rule per type and action, each with its own id and the role', () => {
    expect(rules.map((r) => `${r.type}.${r.action}`)).toEqual([
      'Customer.read', 'Customer.read_masked', 'Customer.read_masked', 'Customer.read_masked', 'Feedback.read', 'Feedback.update', 'Purchase.read', 'Consent.read', 'Mutation.execute',
    ]);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    expect(rules.every((r) => r.role === 'agent' && r.when === null && r.purposes === null === (r.type !== 'Purchase' && r.type !== 'Consent'))).toBe(true);
    expect(pick('Purchase', 'read')[0]!.purposes).toEqual(['support']);
    expect(pick('Mutation', 'execute')[0]!.fields).toEqual(['grantRole']);
    expect(pick('Customer', 'read')[0]!.source).toMatchObject({ line: 7, col: 9 });
  });

  it('keeps the role as declared', () => {
    expect(set.roles.get('agent')).toMatchObject({ name: 'agent', description: 'd', department: 'IT', inherits: [], readOnly: false, defaultPurpose: 'support', privileged: false });
    expect(set.purposes.get('marketing')).toMatchObject({ id: 'marketing', legalBasis: 'consent', requiresConsent: true, description: { ja: '販促', en: 'Marketing' } });
    expect(set.purposes.get('support')!.requiresConsent).toBe(false);
    expect(set.maskers.get('pseudonym')).toMatchObject({ name: 'pseudonym', masker: 'hash', description: null });
    expect(set.keys.rotationMaxAgeDays).toBe(90);
  });

  it('puts inherited rules first, each once, and inherits privilege', () => {
    const s = load({
      'r.policy.yaml': `roles:
  base:
    description: b
    department: IT
    privileged: true
    rules:
      - { on: Customer, fields: [email], decision: PLAIN }
  mid:
    description: m
    department: IT
    inherits: [base]
    rules:
      - { on: Customer, fields: [phone], decision: PLAIN }
  top:
    description: t
    department: IT
    inherits: [mid, base]
    readOnly: true
    rules:
      - { on: Customer, fields: [name], decision: PLAIN }
  other:
    description: o
    department: IT
    rules: []
`,
      'k.policy.yaml': 'rotation: { maxAgeDays: 30 }\n',
    });
    expect(s.roles.get('top')!.rules.map((r) => `${r.role}:${r.fields.join()}`)).toEqual(['base:email', 'mid:phone', 'top:name']);
    expect(s.roles.get('top')).toMatchObject({ privileged: true, readOnly: true, inherits: ['mid', 'base'] });
    expect(s.roles.get('other')!.privileged).toBe(false);
    expect(s.keys.rotationMaxAgeDays).toBe(30);
  });
});
