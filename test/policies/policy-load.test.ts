import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicySet, PolicyError } from '../../src/policies/index.js';
import { contractCatalog } from '../fixtures/catalog.fixture.js';

const PURPOSES = `purposes:
  support:
    description: { ja: お問い合わせ対応, en: Support }
    legalBasis: APPI Art. 17
  marketing:
    description: { ja: 販促, en: Marketing }
    legalBasis: consent
`;

/** A role file whose rule sits at line 6; `rule` is indented as a list item under `rules:`. */
function roleFile(rule: string, extra = ''): string {
  return `roles:
  agent:
    description: test role
    department: IT
    rules:
${rule}
${extra}`;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function writePolicies(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'koe-policy-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries({ 'purposes.policy.yaml': PURPOSES, ...files })) writeFileSync(join(dir, name), text);
  return dir;
}

function loadError(files: Record<string, string>): string {
  try {
    loadPolicySet(writePolicies(files), contractCatalog);
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError);
    return (e as Error).message;
  }
  throw new Error('expected the policy set to be refused');
}

describe(loadPolicySet.name, () => {
  // [problem, files, the `file:line:col: message` expected in the error]
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['a YAML syntax error', { 'roles.policy.yaml': 'roles:\n  agent: [unclosed\n' }, /roles\.policy\.yaml:3:1: YAML syntax error/],
    ['a tab-indented mapping', { 'roles.policy.yaml': 'roles:\n\tagent: {}\n' }, /roles\.policy\.yaml:2:1: YAML syntax error/],
    ['an unexpected key (a typo of decision)', { 'roles.policy.yaml': roleFile('      - { on: Customer, fields: [email], decison: PLAIN }') }, /roles\.policy\.yaml:6:42: unexpected key "roles\.agent\.rules\.0\.decison"/],
    ['a missing department', { 'roles.policy.yaml': 'roles:\n  agent:\n    description: d\n    rules: []\n' }, /roles\.policy\.yaml:3:5: "roles\.agent" needs "department"/],
    ['an unknown department', { 'roles.policy.yaml': 'roles:\n  agent:\n    description: d\n    department: HR\n    rules: []\n' }, /roles\.policy\.yaml:4:17: "roles\.agent\.department" must be one of "IT", "legal"/],
    [
      'an unknown role in inherits',
      { 'roles.policy.yaml': 'roles:\n  agent:\n    description: d\n    department: IT\n    inherits: [suport]\n    rules: []\n' },
      /roles\.policy\.yaml:5:16: unknown role "suport" in inherits \(roles: agent\)/,
    ],
    [
      'an inheritance cycle',
      { 'roles.policy.yaml': 'roles:\n  a:\n    description: d\n    department: IT\n    inherits: [b]\n    rules: []\n  b:\n    description: d\n    department: IT\n    inherits: [a]\n    rules: []\n' },
      /roles\.policy\.yaml:5:5: inheritance cycle a -> b -> a/,
    ],
    ['an unknown type', { 'roles.policy.yaml': roleFile('      - { on: Custmer, fields: [email], decision: PLAIN }') }, /roles\.policy\.yaml:6:15: unknown type "Custmer" \(known: Customer, .*; did you mean "Customer"\?\)/],
    ['an unknown field (typo)', { 'roles.policy.yaml': roleFile('      - { on: Customer, fields: [emial], decision: PLAIN }') }, /roles\.policy\.yaml:6:34: unknown field "emial" on Customer \(known: id, customerKey, .*; did you mean "email"\?\)/],
    ['an unknown masker', { 'roles.policy.yaml': roleFile('      - { on: Customer, fields: [email], decision: MASKED, masker: emial }') }, /roles\.policy\.yaml:6:68: unknown masker "emial" \(maskers and aliases: email, .*; did you mean "email"\?\)/],
    ['an unknown action', { 'roles.policy.yaml': roleFile('      - { on: Feedback, actions: [reed], fields: [body], decision: PLAIN }') }, /roles\.policy\.yaml:6:35: unknown action "reed" \(known: read, .*; did you mean "read"\?\)/],
    ['MASKED on a write action', { 'roles.policy.yaml': roleFile('      - { on: Feedback, actions: [read, update], fields: [body], decision: MASKED }') }, /roles\.policy\.yaml:6:76: MASKED on a non-read action/],
    ['execute on a type', { 'roles.policy.yaml': roleFile('      - { on: Feedback, actions: [execute], fields: [status] }') }, /roles\.policy\.yaml:6:35: "execute" applies only to `on: Mutation`/],
    ['an unknown mutation', { 'roles.policy.yaml': roleFile('      - { on: Mutation, actions: [execute], fields: [dropEverything] }') }, /roles\.policy\.yaml:6:54: unknown mutation "dropEverything"/],
    ['a condition key that is not a field', { 'roles.policy.yaml': roleFile('      - { on: Customer, fields: [email], decision: PLAIN, when: { team: $principal.teamId } }') }, /roles\.policy\.yaml:6:67: unknown condition key "team" on Customer: .*did you mean "teamId"\?/],
    ['an unknown condition operator', { 'roles.policy.yaml': roleFile('      - { on: Customer, fields: [email], decision: PLAIN, when: { teamId: { $regex: a } } }') }, /roles\.policy\.yaml:6:77: unknown operator "\$regex" on "teamId"/],
    ['an unknown placeholder', { 'roles.policy.yaml': roleFile('      - { on: Customer, fields: [email], decision: PLAIN, when: { teamId: $user.teamId } }') }, /roles\.policy\.yaml:6:75: unknown placeholder "\$user\.teamId"/],
    ['an unknown purpose', { 'roles.policy.yaml': roleFile('      - { on: Customer, fields: [email], decision: PLAIN, purposes: [suport] }') }, /roles\.policy\.yaml:6:70: unknown purpose "suport": declare it in purposes\.policy\.yaml .*did you mean "support"\?/],
    ['an undeclared purpose in a consent condition', { 'roles.policy.yaml': roleFile('      - { on: Customer, fields: [email], decision: PLAIN, when: { consentedPurposes: markting } }') }, /roles\.policy\.yaml:6:86: unknown purpose "markting"/],
    ['a field that must equal two values at once', { 'roles.policy.yaml': roleFile('      - { on: Customer, fields: [email], decision: PLAIN, when: { $and: [{ segment: a }, { segment: b }] } }') }, /roles\.policy\.yaml:6:65: "segment" is compared with \$eq twice in one alternative/],
    ['an empty $in list', { 'roles.policy.yaml': roleFile('      - { on: Customer, fields: [email], decision: PLAIN, when: { teamId: { $in: [] } } }') }, /roles\.policy\.yaml:6:\d+: \$in with an empty list on "teamId" matches no record/],
    ['MASKED on a field that is not @pii', { 'roles.policy.yaml': roleFile('      - { on: Customer, fields: [segment], decision: MASKED }') }, /roles\.policy\.yaml:6:34: "segment" of Customer is not @pii/],
    ['a read rule without decision', { 'roles.policy.yaml': roleFile('      - { on: Customer, fields: [email] }') }, /roles\.policy\.yaml:6:9: a read rule needs `decision: PLAIN` or `decision: MASKED`/],
    ['a condition on a mutation rule', { 'roles.policy.yaml': roleFile('      - { on: Mutation, fields: [grantRole], when: { teamId: x } }') }, /roles\.policy\.yaml:6:46: a Mutation rule takes no condition/],
    [
      'a write rule in a read-only role',
      { 'roles.policy.yaml': roleFile('      - { on: Feedback, actions: [update], fields: [status] }').replace('department: IT', 'department: IT\n    readOnly: true') },
      /roles\.policy\.yaml:7:9: read-only role "agent" has a update rule on Feedback/,
    ],
    [
      'a role declared in two files',
      { 'a.policy.yaml': roleFile('      - { on: Customer, fields: [], decision: PLAIN }'), 'b.policy.yaml': roleFile('      - { on: Customer, fields: [], decision: PLAIN }') },
      /b\.policy\.yaml:2:3: role "agent" is declared twice \(first at .*a\.policy\.yaml:2\)/,
    ],
    [
      'an unknown role in separationOfDuties',
      { 'roles.policy.yaml': roleFile('      - { on: Customer, fields: [], decision: PLAIN }'), 'access.policy.yaml': 'separationOfDuties:\n  - { roles: [agent, admn], reason: r }\n' },
      /access\.policy\.yaml:2:22: unknown role "admn" in separationOfDuties/,
    ],
    [
      'a role that inherits both sides of a separation-of-duties rule',
      {
        'roles.policy.yaml': `${roleFile('      - { on: Customer, fields: [], decision: PLAIN }')}  other:\n    description: o\n    department: IT\n    rules: []\n  both:\n    description: b\n    department: IT\n    inherits: [agent, other]\n    rules: []\n`,
        'access.policy.yaml': 'separationOfDuties:\n  - { roles: [agent, other], reason: r }\n',
      },
      /role "both" holds agent \+ other through inherits, which separationOfDuties at .*access\.policy\.yaml:2 forbids together/,
    ],
    ['a separation-of-duties rule of one role', { 'access.policy.yaml': 'separationOfDuties:\n  - { roles: [agent], reason: r }\n' }, /access\.policy\.yaml:2:\d+: "separationOfDuties\.0\.roles" must NOT have fewer than 2 items/],
    ['a malformed grant approval expiry', { 'access.policy.yaml': 'grantApproval: { expiresAfter: 3 days }\n' }, /access\.policy\.yaml:1:\d+: "grantApproval\.expiresAfter" is not valid: expiresAfter is a number and a unit/],
    ['an alias of an unknown masker', { 'maskers.policy.yaml': 'maskers:\n  pseudonym: { masker: hsh }\n' }, /maskers\.policy\.yaml:2:24: unknown masker "hsh" .*did you mean "hash"\?/],
  ];

  it.each(cases)('refuses %s with file:line:col and the fix', (_problem, files, expected) => {
    expect(loadError(files)).toMatch(expected);
  });

  it('lists every problem at once, not only the first', () => {
    const message = loadError({
      'roles.policy.yaml': roleFile('      - { on: Customer, fields: [emial, phnoe], decision: PLAIN }\n      - { on: Feedbak, fields: [body], decision: PLAIN }'),
    });
    expect(message).toMatch(/3 problems/);
    expect(message).toMatch(/emial/);
    expect(message).toMatch(/phnoe/);
    expect(message).toMatch(/Feedbak/);
  });

  it('refuses an empty directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'koe-policy-empty-'));
    dirs.push(dir);
    expect(() => loadPolicySet(dir, contractCatalog)).toThrow(/no \*\.policy\.yaml files/);
  });

  it('loads a valid minimal set', () => {
    const set = loadPolicySet(writePolicies({ 'roles.policy.yaml': roleFile('      - { on: Customer, fields: [email], decision: PLAIN, when: { teamId: $principal.teamId } }') }), contractCatalog);
    expect([...set.roles.keys()]).toEqual(['agent']);
    expect(set.placeholders).toEqual(['$principal.teamId']);
  });
});

describe('PolicySet.version', () => {
  const rule = '      - { on: Customer, fields: [email], decision: PLAIN }';

  it('is 16 hex characters', () => {
    expect(loadPolicySet(writePolicies({ 'roles.policy.yaml': roleFile(rule) }), contractCatalog).version).toMatch(/^[0-9a-f]{16}$/);
  });

  it('stays the same for the same files', () => {
    const a = loadPolicySet(writePolicies({ 'roles.policy.yaml': roleFile(rule) }), contractCatalog);
    const b = loadPolicySet(writePolicies({ 'roles.policy.yaml': roleFile(rule) }), contractCatalog);
    expect(a.version).toBe(b.version);
  });

  it('changes when a file changes', () => {
    const a = loadPolicySet(writePolicies({ 'roles.policy.yaml': roleFile(rule) }), contractCatalog);
    const b = loadPolicySet(writePolicies({ 'roles.policy.yaml': roleFile(rule.replace('PLAIN', 'MASKED')) }), contractCatalog);
    expect(a.version).not.toBe(b.version);
  });

  it('changes when a file is renamed', () => {
    const a = loadPolicySet(writePolicies({ 'roles.policy.yaml': roleFile(rule) }), contractCatalog);
    const b = loadPolicySet(writePolicies({ 'agents.policy.yaml': roleFile(rule) }), contractCatalog);
    expect(a.version).not.toBe(b.version);
  });

  it('ignores test files, which do not change decisions', () => {
    const a = loadPolicySet(writePolicies({ 'roles.policy.yaml': roleFile(rule) }), contractCatalog);
    const b = loadPolicySet(writePolicies({ 'roles.policy.yaml': roleFile(rule), 'roles.test.yaml': 'cases: []\n' }), contractCatalog);
    expect(a.version).toBe(b.version);
  });
});
