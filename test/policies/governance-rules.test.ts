/**
 * Separation of duties and privileged roles as the grant workflow asks them, the suggestions that
 * policy errors end with, the bounded ability cache, and field lookups by own keys only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogField } from '../../src/policies/catalog-lookup.js';
import { PolicyError } from '../../src/policies/errors.js';
import { describeDutyRule, dutyConflicts, effectiveRoles, grantConflicts, isPrivilegedRole, loadPolicySet } from '../../src/policies/index.js';
import { Lru } from '../../src/policies/lru.js';
import { knownList, suggest } from '../../src/policies/suggest.js';
import { contractCatalog } from '../fixtures/catalog.fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'koe-governance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'roles.policy.yaml'), `roles:
  admin: { description: a, department: IT, privileged: true, rules: [] }
  dpo: { description: d, department: legal, rules: [] }
  auditor: { description: u, department: legal, rules: [] }
  support: { description: s, department: IT, rules: [] }
  lead: { description: l, department: IT, inherits: [support], rules: [] }
  superlead: { description: x, department: IT, inherits: [lead, admin], rules: [] }
`);
writeFileSync(join(dir, 'access.policy.yaml'), `separationOfDuties:
  - { roles: [admin, dpo], reason: the DPO checks the admins }
  - { roles: [dpo, auditor], reason: no self-audit }
  - { roles: [lead, auditor], reason: leads are audited }
`);
const set = loadPolicySet(dir, contractCatalog);
const [adminDpo, dpoAuditor, leadAuditor] = set.governance.separationOfDuties as [never, never, never];

describe('separation of duties', () => {
  it('counts every inherited role, and unknown roles as themselves', () => {
    expect([...effectiveRoles(set, ['superlead', 'ghost'])].sort()).toEqual(['admin', 'ghost', 'lead', 'superlead', 'support']);
  });

  it('finds the rules that roles held together break, through inheritance too', () => {
    expect(dutyConflicts(set, ['dpo', 'auditor', 'support'])).toEqual([dpoAuditor]);
    expect(dutyConflicts(set, ['superlead', 'dpo', 'auditor'])).toEqual([adminDpo, dpoAuditor, leadAuditor]);
    expect(dutyConflicts(set, ['admin', 'auditor'])).toEqual([]);
  });

  it('reports for a grant only the rules it would newly break', () => {
    expect(grantConflicts(set, ['dpo', 'auditor'], 'admin')).toEqual([adminDpo]);
    expect(grantConflicts(set, ['dpo'], 'support')).toEqual([]);
  });

  it('cites a rule by its roles, file, line and reason', () => {
    expect(describeDutyRule(adminDpo)).toBe('admin + dpo (access.policy.yaml:2: the DPO checks the admins)');
  });

  it('needs a second admin for privileged roles and those inheriting one only', () => {
    expect(isPrivilegedRole(set, 'admin')).toBe(true);
    expect(isPrivilegedRole(set, 'superlead')).toBe(true);
    expect(isPrivilegedRole(set, 'lead')).toBe(false);
    expect(isPrivilegedRole(set, 'ghost')).toBe(false);
  });
});

describe(suggest.name, () => {
  it('lists what is known and the closest name', () => {
    expect(suggest('emial', ['email', 'phone'])).toBe('(known: email, phone; did you mean "email"?)');
  });

  it('ignores case when comparing, and keeps the spelling of the known name', () => {
    expect(suggest('EMAIL', ['Email', 'phone'], 'fields')).toBe('(fields: Email, phone; did you mean "Email"?)');
  });

  it('suggests nothing far off, and says when nothing is known', () => {
    expect(suggest('xyz', ['email', 'phone'])).toBe('(known: email, phone)');
    expect(suggest('xyz', [])).toBe('(known: (none))');
  });

  it('allows more typos in longer words: two in short ones, a third of the length in long ones', () => {
    expect(suggest('ab', ['abcd'])).toMatch(/did you mean "abcd"/);
    expect(suggest('ab', ['abcde'])).not.toMatch(/did you mean/);
    expect(suggest('customerkeyx', ['customerKey'])).toMatch(/did you mean "customerKey"/);
    expect(suggest('aaaaaaaaa', ['aaaaaabbb'])).toMatch(/did you mean/);
    expect(suggest('aaaaaaaaa', ['aaaaabbbb'])).not.toMatch(/did you mean/);
  });

  it('prefers the nearest of several candidates, the first among equals', () => {
    expect(suggest('teamid', ['team', 'teamId', 'teams'])).toMatch(/did you mean "teamId"/);
    expect(suggest('cat', ['bat', 'cap'])).toMatch(/did you mean "bat"/);
  });

  it('counts insertions, deletions and substitutions alike', () => {
    expect(suggest('kiten', ['kitten'])).toMatch(/did you mean "kitten"/);
    expect(suggest('kittten', ['kitten'])).toMatch(/did you mean "kitten"/);
    expect(suggest('kitxen', ['kitten'])).toMatch(/did you mean "kitten"/);
    expect(suggest('flaw', ['lawn'])).toMatch(/did you mean "lawn"/);
    expect(suggest('kitten', ['sitting'])).not.toMatch(/did you mean/);
  });

  it('shows at most 24 names', () => {
    const many = Array.from({ length: 30 }, (_, i) => `n${i}`);
    expect(knownList('known', many)).toBe(`known: ${many.slice(0, 24).join(', ')}, …`);
    expect(knownList('known', many.slice(0, 24))).toBe(`known: ${many.slice(0, 24).join(', ')}`);
  });
});

describe(Lru.name, () => {
  it('forgets the least recently used entry beyond its capacity', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.get('c')).toBe(3);
    expect(lru.size).toBe(2);
  });

  it('counts a replaced key once and makes it the most recent', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.set('a', 10);
    lru.set('c', 3);
    expect(lru.size).toBe(2);
    expect(lru.get('a')).toBe(10);
    expect(lru.get('b')).toBeUndefined();
  });
});

describe(catalogField.name, () => {
  it('finds a field and its @pii category', () => {
    expect(catalogField(contractCatalog, 'Customer', 'email')).toEqual({ name: 'email', pii: 'EMAIL' });
  });

  it.each([['Customer', 'constructor'], ['constructor', 'name'], ['Customer', '__proto__'], ['Nope', 'id'], ['Customer', 'nope']])('knows no %s.%s', (type, field) => {
    expect(catalogField(contractCatalog, type, field)).toBeNull();
  });
});

describe(PolicyError.name, () => {
  it('counts its problems in words and lists each as file:line:col', () => {
    const one = new PolicyError([{ loc: { file: 'a.policy.yaml', line: 2, col: 3 }, message: 'bad' }]);
    expect(one.message).toBe('policy files are invalid (1 problem):\n  a.policy.yaml:2:3: bad');
    const two = new PolicyError([one.problems[0]!, { loc: { file: 'b.policy.yaml', line: 1, col: 1 }, message: 'worse' }]);
    expect(two.message).toBe('policy files are invalid (2 problems):\n  a.policy.yaml:2:3: bad\n  b.policy.yaml:1:1: worse');
    expect(two.name).toBe('PolicyError');
  });
});
