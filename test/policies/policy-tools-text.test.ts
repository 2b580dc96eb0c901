/**
 * What the admin tools print: matrix cells for aliases and alternatives, escaping in the rendered
 * tables, warnings, explanations with a principal, and schema pruning of unreadable types.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkPolicies, explain, formatWarning, loadPolicySet, matrix, renderMatrix, runPolicyTests, schemaFilterFor, type DecisionMatrix,
} from '../../src/policies/index.js';
import { contractCatalog } from '../fixtures/catalog.fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'koe-tools-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'purposes.policy.yaml'), 'purposes:\n  support: { description: { ja: 対応, en: Support }, legalBasis: contract }\n');
writeFileSync(join(dir, 'maskers.policy.yaml'), 'maskers:\n  pseudonym: { masker: hash }\n');
writeFileSync(join(dir, 'roles.policy.yaml'), `roles:
  agent:
    description: a
    department: IT
    rules:
      - { on: Customer, fields: [email], decision: PLAIN, when: { teamId: $principal.teamId } }
      - { on: Customer, fields: [email], decision: PLAIN, when: { segment: vip } }
      - { on: Customer, fields: [email], decision: PLAIN, when: { teamId: $principal.teamId } }
      - { on: Customer, fields: [email], decision: MASKED, masker: pseudonym, when: { prefecture: { $in: [a, b] } } }
      - { on: Customer, fields: [phone], decision: MASKED, masker: pseudonym }
      - { on: Customer, fields: [name], decision: PLAIN, purposes: [support], when: { segment: vip } }
      - { on: Customer, fields: [nameKana], decision: MASKED, masker: name, when: { segment: vip } }
      - { on: Feedback, actions: [update], fields: [status], when: { teamId: $principal.teamId } }
      - { on: Mutation, fields: [submitFeedback] }
  idle:
    description: i
    department: IT
    rules: []
`);
const set = loadPolicySet(dir, contractCatalog);

describe('matrix cells', () => {
  // Built inside each test, not while collecting: StrykerJS then knows which tests cover a mutant.
  const row = () => matrix(set, contractCatalog).cells.agent!;

  it('lists each distinct PLAIN condition once, then MASKED ones, then the fallback', () => {
    expect(row()['Customer.email']).toEqual({
      decision: 'CONDITIONAL',
      text: 'CONDITIONAL(PLAIN if teamId = $principal.teamId or segment = vip; MASKED(pseudonym:hash) if prefecture in [a, b]; else DENIED)',
    });
  });

  it('names an alias with its masker', () => {
    expect(row()['Customer.phone']).toEqual({ decision: 'MASKED', text: 'MASKED(pseudonym:hash)' });
  });

  it('adds the purpose a rule needs to its condition', () => {
    expect(row()['Customer.name']!.text).toBe('CONDITIONAL(PLAIN if segment = vip and purpose in [support]; else DENIED)');
  });

  it('shows a conditional MASKED rule with DENIED otherwise', () => {
    expect(row()['Customer.nameKana']!.text).toBe('CONDITIONAL(MASKED(name) if segment = vip; else DENIED)');
  });

  it('records the version and the purpose asked for', () => {
    const m = matrix(set, contractCatalog, { purpose: 'support' });
    expect(m).toMatchObject({ version: set.version, purpose: 'support', roles: ['agent', 'idle'] });
    expect(m.fields[0]).toBe('Customer.name');
    expect(matrix(set, contractCatalog).purpose).toBeNull();
  });
});

describe(renderMatrix.name, () => {
  const m: DecisionMatrix = {
    version: 'v1', purpose: null, roles: ['a<b', 'ghost'], fields: ['T.f', 'T.g'],
    cells: { 'a<b': { 'T.f': { decision: 'CONDITIONAL', text: 'PLAIN if x | y & "z" \'w\' > 1' }, 'T.g': { decision: 'DENIED', text: 'DENIED' } } },
  };

  it('escapes pipes in markdown and leaves missing cells empty', () => {
    expect(renderMatrix(m, 'md')).toBe(
      '**Policy v1, any purpose**\n\n| role | T.f | T.g |\n|---|---|---|\n| a<b | PLAIN if x \\| y & "z" \'w\' > 1 | DENIED |\n| ghost |  |  |\n',
    );
  });

  it('escapes HTML and colours cells by decision', () => {
    const html = renderMatrix({ ...m, purpose: 'support' }, 'html');
    expect(html).toContain('<title>Policy v1, purpose support</title>');
    expect(html).toContain('<tr><th>a&lt;b</th><td class="conditional">PLAIN if x | y &amp; &quot;z&quot; &#39;w&#39; &gt; 1</td><td class="denied">DENIED</td></tr>');
    expect(html).toContain('<tr><th>ghost</th><td class=""></td><td class=""></td></tr>');
    expect(html).toContain('<tr><th>role</th><th>T.f</th><th>T.g</th></tr>');
    expect(html.startsWith('<!doctype html>\n')).toBe(true);
  });
});

describe(checkPolicies.name, () => {
  it('warns about a role that can do nothing, at its line', () => {
    const { warnings } = checkPolicies(set, contractCatalog);
    const idle = warnings.find((w) => w.message.includes('"idle"'));
    expect(idle).toEqual({ loc: expect.objectContaining({ line: 15, col: 3 }), message: 'role "idle" has no rules: it can do nothing' });
    expect(formatWarning(idle!)).toBe(`${dir}/roles.policy.yaml:15:3: warning: role "idle" has no rules: it can do nothing`);
    expect(formatWarning({ loc: null, message: 'm' })).toBe('warning: m');
  });

  it('warns about @pii fields no rule names, and not about a masker that fits any category', () => {
    const messages = checkPolicies(set, contractCatalog).warnings.map((w) => w.message);
    expect(messages).toContain('Customer.address is @pii but no rule names it: decide it for the roles that need it, or accept DENIED');
    expect(messages.some((m) => m.includes('Customer.email is @pii'))).toBe(false);
    expect(messages.some((m) => m.includes('was written for'))).toBe(false);
  });
});

describe(explain.name, () => {
  it('resolves placeholders from the principal given', () => {
    const e = explain(set, 'agent', 'Customer.email', { principal: { teamId: 't1' }, record: { teamId: 't1' } });
    expect(e).toMatchObject({ decision: 'PLAIN', masker: null, rule: { role: 'agent', type: 'Customer', action: 'read', when: 'teamId = t1' } });
    expect(e.summary).toBe(`PLAIN by the agent rule at ${dir}/roles.policy.yaml:8:9`);
  });

  it('gives the masker and every candidate rule', () => {
    const e = explain(set, 'agent', 'Customer.email', { record: { prefecture: 'a' } });
    expect(e).toMatchObject({ decision: 'MASKED', masker: 'hash' });
    expect(e.candidates.map((c) => `${c.action} ${c.when}`)).toEqual([
      'read teamId = $principal.teamId', 'read segment = vip', 'read teamId = $principal.teamId', 'read_masked prefecture in [a, b]',
    ]);
  });

  it('decides a statically MASKED field by its rule', () => {
    const e = explain(set, 'agent', 'Customer.phone');
    expect(e).toMatchObject({ decision: 'MASKED', masker: 'hash', rule: { action: 'read_masked', when: null } });
    expect(e.summary).toBe(`MASKED(pseudonym:hash) by the agent rule at ${dir}/roles.policy.yaml:10:9`);
  });

  it('reads principal attributes and the purpose', () => {
    const e = explain(set, 'agent', 'Customer.name', { purpose: 'support', principal: { id: 'x', attributes: {} }, record: { segment: 'vip' } });
    expect(e.decision).toBe('PLAIN');
    expect(explain(set, 'agent', 'Customer.name', { purpose: null, record: { segment: 'vip' } }).decision).toBe('DENIED');
  });
});

describe(schemaFilterFor.name, () => {
  it('hides types without a readable row and says whether the role is known', () => {
    const f = schemaFilterFor(set, 'agent');
    expect(f.knownRole).toBe(true);
    expect(f.deniedTypes).toEqual(['Purchase', 'Consent', 'Feedback', 'AuditEvent', 'ProvisionRecord', 'Principal', 'GrantRequest', 'IncidentReport', 'PolicyMatrix', 'KeyStatus', 'LifecycleDryRun', 'ApiKey', 'AccessReviewRow', 'PeriodicReview', 'PeriodicReviewItem', 'AuditVerification', 'UseRestriction']);
    expect(f.deniedFields).toContain('Customer.address');
    expect(f.deniedFields).not.toContain('Customer.name');
    expect(f.deniedFields).not.toContain('Customer.segment');
    expect(f.unavailableMutations).toEqual(contractCatalog.mutations.filter((m) => m !== 'submitFeedback'));
    expect(schemaFilterFor(set, 'ghost')).toMatchObject({ role: 'ghost', knownRole: false });
  });
});

describe(runPolicyTests.name, () => {
  it('runs each kind of case and says why one fails, at its line', () => {
    writeFileSync(join(dir, 'agent.test.yaml'), [
      'cases:',
      '  - { name: own team, role: agent, principal: { teamId: t1 }, type: Customer, field: email, record: { teamId: t1 }, expect: PLAIN }',
      '  - { name: masker, role: agent, type: Customer, field: phone, expect: MASKED, masker: hash }',
      '  - { name: wrong masker, role: agent, type: Customer, field: phone, expect: MASKED, masker: phone }',
      '  - { name: update, role: agent, principal: { teamId: t1 }, type: Feedback, field: status, action: update, record: { teamId: t1 }, expect: ALLOWED }',
      '  - { name: update elsewhere, role: agent, principal: { teamId: t1 }, type: Feedback, field: status, action: update, record: { teamId: t2 }, expect: ALLOWED }',
      '  - { name: mutation, role: [agent, idle], mutation: submitFeedback, expect: ALLOWED }',
      '  - { name: other mutation, role: agent, mutation: grantRole, expect: DENIED }',
      '  - { name: unknown mutation, role: agent, mutation: dropAll, expect: DENIED }',
      '  - { name: undeclared purpose, role: agent, purpose: marketing, type: Customer, field: name, expect: DENIED }',
      '  - { name: purpose, role: agent, purpose: support, type: Customer, field: name, record: { segment: vip }, expect: PLAIN }',
      '  - { name: attribute, role: agent, principal: { id: p9, region: x }, type: Customer, field: email, expect: DENIED }',
      '',
    ].join('\n'));
    const results = runPolicyTests(set, dir);
    expect(results.map((r) => [r.name, r.at.replace(`${dir}/`, ''), r.passed, r.actual, r.message])).toEqual([
      ['own team', 'agent.test.yaml:2:5', true, 'PLAIN', null],
      ['masker', 'agent.test.yaml:3:5', true, 'MASKED', null],
      ['wrong masker', 'agent.test.yaml:4:5', false, 'MASKED', 'expected masker phone, got hash'],
      ['update', 'agent.test.yaml:5:5', true, 'ALLOWED', null],
      ['update elsewhere', 'agent.test.yaml:6:5', false, 'DENIED', 'expected ALLOWED, got DENIED'],
      ['mutation', 'agent.test.yaml:7:5', true, 'ALLOWED', null],
      ['other mutation', 'agent.test.yaml:8:5', true, 'DENIED', null],
      ['unknown mutation', 'agent.test.yaml:9:5', false, '', 'unknown mutation "dropAll"'],
      ['undeclared purpose', 'agent.test.yaml:10:5', false, '', 'purpose "marketing" is not declared: the server would refuse the request'],
      ['purpose', 'agent.test.yaml:11:5', true, 'PLAIN', null],
      ['attribute', 'agent.test.yaml:12:5', true, 'DENIED', null],
    ]);
    expect(results[5]).toMatchObject({ roles: ['agent', 'idle'], expected: 'ALLOWED', loc: { line: 7, col: 5 } });
  });
});
