/**
 * Files of the wrong shape: each schema failure in words a policy author can act on, at the line
 * and column of the offending key or value; and what a loaded set remembers.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicySet } from '../../src/policies/index.js';
import { contractCatalog } from '../fixtures/catalog.fixture.js';
import { policyDirs } from '../fixtures/policy-dir.js';

const { write, problems } = policyDirs();

const ROLE = 'roles:\n  agent:\n    description: d\n    department: IT\n';

describe('files of the wrong shape', () => {
  const cases: Array<[string, string, string[]]> = [
    ['an empty mapping', '{}\n', ['x.policy.yaml:1:1: the file is empty: give it roles:, purposes:, maskers:, alerts:, retention: or rotation:']],
    ['a list instead of a mapping', '- roles\n', ['x.policy.yaml:1:1: the file must be a mapping (key: value)']],
    ['an empty document', '', ['x.policy.yaml:1:1: the file must be a mapping (key: value)']],
    ['a role name in camelCase', 'roles:\n  supportAgent:\n    description: d\n    department: IT\n    rules: []\n', [
      'x.policy.yaml:2:3: invalid name "roles.supportAgent": use lower_snake_case letters, digits and _',
    ]],
    ['a flag that is not true or false', `${ROLE}    readOnly: yes\n    rules: []\n`, ['x.policy.yaml:5:15: "roles.agent.readOnly" must be true or false']],
    ['rules that are not a list', `${ROLE}    rules: { on: Customer }\n`, ['x.policy.yaml:5:12: "roles.agent.rules" must be a list']],
    ['a description that is not text', `${ROLE.replace('description: d', 'description: [d]')}    rules: []\n`, ['x.policy.yaml:3:18: "roles.agent.description" must be text']],
    ['fields of the wrong shape', `${ROLE}    rules:\n      - { on: Customer, fields: all, decision: PLAIN }\n`, [
      "x.policy.yaml:6:33: \"roles.agent.rules.0.fields\" has the wrong shape (write '*' or a list of field names)",
    ]],
    ['on of the wrong shape', `${ROLE}    rules:\n      - { on: { type: Customer }, fields: [] }\n`, [
      'x.policy.yaml:6:15: "roles.agent.rules.0.on" has the wrong shape (write a type name or a list of them)',
    ]],
    ['a condition that is not a mapping', `${ROLE}    rules:\n      - { on: Customer, fields: [], decision: PLAIN, when: [a] }\n`, [
      'x.policy.yaml:6:60: "roles.agent.rules.0.when" must be a mapping (key: value)',
    ]],
    ['a rotation age of zero', 'rotation: { maxAgeDays: 0 }\n', ['x.policy.yaml:1:25: "rotation.maxAgeDays" must be at least 1']],
    ['a rotation age that is not whole', 'rotation: { maxAgeDays: 1.5 }\n', ['x.policy.yaml:1:25: "rotation.maxAgeDays" must be a whole number']],
    ['an alert window without unit', 'alerts:\n  repeated_forbidden: { threshold: 3, window: 10 }\n', [
      'x.policy.yaml:2:47: "alerts.repeated_forbidden.window" must be text',
    ]],
    ['an alert window of another unit', 'alerts:\n  repeated_forbidden: { threshold: 3, window: 10w }\n', [
      'x.policy.yaml:2:47: "alerts.repeated_forbidden.window" is not valid: a window is a number and a unit (30s, 10m, 1h, 1d); hours are HH:MM-HH:MM',
    ]],
    ['a retention period of another unit', 'retention:\n  default: 1w\n', [
      'x.policy.yaml:2:12: "retention.default" is not valid: a period is a number and a unit (90d, 1y); keys are actions, prefixes like access.* or default',
    ]],
    ['a section with no known hint', 'separationOfDuties:\n  - { roles: [a, b], reason: "" }\n', [
      'x.policy.yaml:2:30: "separationOfDuties.0.reason" must NOT have fewer than 1 characters',
    ]],
    ['a key with / and ~ in it, named as written', 'recipients:\n  lab:\n    name: n\n    address: a\n    country: JP\n    purpose: p\n    fields: { "a/b~c": 3 }\n', [
      'x.policy.yaml:7:24: "recipients.lab.fields.a/b~c" must be text',
    ]],
    ['a lifecycle section of no category', 'lifecycle: {}\n', ['x.policy.yaml:1:12: "lifecycle" is empty: give it feedback:, purchases: or contactDetails: (or remove it: nothing is ever due)']],
    ['a masker alias name with a dash', 'maskers:\n  my-hash: { masker: hash }\n', [
      'x.policy.yaml:2:3: invalid name "maskers.my-hash": use lower_snake_case letters, digits and _',
    ]],
  ];

  it.each(cases)('refuses %s', (_what, text, expected) => {
    expect(problems({ 'x.policy.yaml': text })).toEqual(expected);
  });

  it('stops at YAML syntax errors before checking the shape', () => {
    expect(problems({ 'x.policy.yaml': 'roles: [\n' })).toEqual([expect.stringMatching(/^x\.policy\.yaml:2:1: YAML syntax error: /)]);
  });

  it('refuses a key written twice', () => {
    expect(problems({ 'x.policy.yaml': 'rotation: { maxAgeDays: 1 }\nrotation: { maxAgeDays: 2 }\n' })).toEqual([expect.stringMatching(/^x\.policy\.yaml:2:1: YAML syntax error: Map keys must be unique/)]);
  });

  it('names a directory it cannot read and where to point instead', () => {
    const dir = join(write({}), 'missing');
    expect(() => loadPolicySet(dir, contractCatalog)).toThrow(`${dir}:1:1: cannot read the policy directory (ENOENT): point KOE_POLICY_DIR at the policies/ folder`);
  });

  it('lists problems by file, then line, then column', () => {
    // Found in another order: roles before alerts and duties, a rule's purposes before its fields.
    const found = problems({
      'a.policy.yaml': 'alerts:\n  bi_new_address: { roles: [ghost] }\n',
      'b.policy.yaml': `separationOfDuties:\n  - { roles: [agent, ghost], reason: r }\n${ROLE}    rules:\n      - { on: Customer, fields: [emial], decision: PLAIN, purposes: [nope] }\n`,
    });
    expect(found).toEqual([
      'a.policy.yaml:2:29: unknown role "ghost" (roles: agent)',
      'b.policy.yaml:2:22: unknown role "ghost" in separationOfDuties (roles: agent)',
      expect.stringMatching(/^b\.policy\.yaml:8:34: unknown field "emial" on Customer/),
      'b.policy.yaml:8:70: unknown purpose "nope": declare it in purposes.policy.yaml (known: (none))',
    ]);
  });
});

describe('a loaded set', () => {
  const files = { 'r.policy.yaml': `${ROLE}    rules:\n      - { on: Customer, fields: [email], decision: PLAIN, when: { $or: [{ teamId: $principal.teamId }, { segment: { $in: [$principal.segment, $principal.teamId, vip] } }] } }\n` };

  it('lists the placeholders its rules use, once each and sorted', () => {
    expect(loadPolicySet(write(files), contractCatalog).placeholders).toEqual(['$principal.segment', '$principal.teamId']);
  });

  // A request reaches its policy set through its access object (ctx.access.policy); there is no global registry.
  it('is compiled once per directory and content; the same content elsewhere is another set of the same version', () => {
    const dir = write(files);
    const a = loadPolicySet(dir, contractCatalog);
    expect(loadPolicySet(dir, contractCatalog)).toBe(a);
    const other = loadPolicySet(write(files), contractCatalog);
    expect(other).not.toBe(a);
    expect(other.version).toBe(a.version);
  });
});
