/**
 * The admin tools at the edges found by a StrykerJS run of `src/policies/tools` (issue 20): which
 * rules `koe policy check` counts as naming a field, warnings about inherited rules, and test files
 * that cannot be read.
 */
import { describe, expect, it } from 'vitest';
import { checkPolicies, diffMatrices, explain, loadPolicySet, renderMatrix, runPolicyTests, type DecisionMatrix, type SchemaCatalog } from '../../src/policies/index.js';
import { contractCatalog } from '../fixtures/catalog.fixture.js';
import { policyDirs } from '../fixtures/policy-dir.js';

const { write: policyDir } = policyDirs();

/** A role: `role('a', ['{ on: Customer, fields: [email], decision: PLAIN }'], 'inherits: [b]')`. */
const role = (name: string, rules: string[], extra = '') =>
  `  ${name}:\n    description: d\n    department: IT\n${extra ? `    ${extra}\n` : ''}    rules:${rules.length ? rules.map((r) => `\n      - ${r}`).join('') : ' []'}\n`;

const loaded = (roles: string) => loadPolicySet(policyDir({ 'roles.policy.yaml': `roles:\n${roles}` }), contractCatalog);

/** Every @pii field named PLAIN by one role, so only the field a test leaves out is warned about. */
const ALL_BUT_ADDRESS = '{ on: Customer, fields: [name, nameKana, email, phone, birthDate, purchases], decision: PLAIN }';
const FEEDBACK_TEXT = '{ on: Feedback, fields: [subject, body], decision: PLAIN }';

describe(`${checkPolicies.name} warnings`, () => {
  it('counts only rules on the field\'s own type as naming it, and only its own type\'s wildcards', () => {
    // A second type with @pii fields of the same names: its rules decide nothing on Customer.
    const catalog: SchemaCatalog = {
      ...contractCatalog,
      types: { ...contractCatalog.types, Lead: { name: 'Lead', fields: { id: { name: 'id', pii: null }, address: { name: 'address', pii: 'ADDRESS' }, email: { name: 'email', pii: 'EMAIL' } } } },
    };
    const set = loadPolicySet(policyDir({
      'roles.policy.yaml': `roles:\n${role('clerk', [ALL_BUT_ADDRESS, FEEDBACK_TEXT])}${role('leads', ['{ on: Lead, fields: [address], decision: PLAIN }'])}${role('reports', ["{ on: Lead, fields: '*', decision: MASKED, masker: redact }"])}`,
    }), catalog);
    expect(checkPolicies(set, catalog).warnings.map((w) => w.message)).toEqual([
      'Customer.address is @pii but no rule names it: decide it for the roles that need it, or accept DENIED',
      'Lead.email is @pii but no rule names it (only wildcards cover it: reports): decide it for the roles that need it, or accept DENIED',
    ]);
  });

  it('warns once about a mismatched masker, at the role that declares it, not again for each heir', () => {
    const set = loaded(
      role('base', [ALL_BUT_ADDRESS, FEEDBACK_TEXT, '{ on: Customer, fields: [address], decision: MASKED, masker: email }'])
      + role('heir', [], 'inherits: [base]')
      + role('grandheir', [], 'inherits: [heir]'),
    );
    const { problems, warnings } = checkPolicies(set, contractCatalog);
    expect(problems).toEqual([]);
    expect(warnings).toEqual([{
      loc: expect.objectContaining({ line: 8, col: 9 }),
      message: 'masker "email" on Customer.address (ADDRESS) was written for EMAIL: check the output or use hash/redact',
    }]);
  });

  it('gives no warnings when the set does not compile against the catalog', () => {
    const set = loaded(role('clerk', [ALL_BUT_ADDRESS, FEEDBACK_TEXT]));
    const customer = contractCatalog.types.Customer!;
    const { email: _dropped, ...fields } = customer.fields;
    const catalog: SchemaCatalog = { ...contractCatalog, types: { ...contractCatalog.types, Customer: { ...customer, fields } } };
    const report = checkPolicies(set, catalog);
    expect(report.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^unknown field "email" on Customer/)]);
    expect(report.warnings).toEqual([]);
  });
});

describe(`${explain.name} of what does not exist`, () => {
  const set = loaded(role('clerk', [ALL_BUT_ADDRESS]));

  it('answers an unknown role with DENIED, no rule and no candidates, naming what was asked', () => {
    expect(explain(set, 'ghost', 'Customer.email')).toEqual({
      role: 'ghost', field: 'Customer.email', decision: 'DENIED', masker: null, rule: null, candidates: [],
      summary: 'unknown role "ghost": it contributes nothing, so everything is DENIED',
    });
  });

  it('answers an unknown field, or one given without its type, the same way', () => {
    expect(explain(set, 'clerk', 'Customer.fax')).toEqual({
      role: 'clerk', field: 'Customer.fax', decision: 'DENIED', masker: null, rule: null, candidates: [], summary: 'unknown field "Customer.fax": DENIED',
    });
    expect(explain(set, 'clerk', 'email')).toMatchObject({ field: 'email', decision: 'DENIED', candidates: [], summary: 'unknown field "email": DENIED' });
  });

  it('names the unconditional rule that decides a static PLAIN, not a conditional one ahead of it', () => {
    // CASL puts the later rule first: the conditional one is the first PLAIN candidate.
    const both = loaded(role('agent', ['{ on: Customer, fields: [email], decision: PLAIN }', '{ on: Customer, fields: [email], decision: PLAIN, when: { segment: vip } }']));
    const e = explain(both, 'agent', 'Customer.email');
    expect(e.candidates.map((c) => c.when)).toEqual(['segment = vip', null]);
    expect(e).toMatchObject({ decision: 'PLAIN', rule: { when: null, at: expect.stringMatching(/roles\.policy\.yaml:6:9$/) } });
    expect(e.summary).toMatch(/^PLAIN by the agent rule at .*roles\.policy\.yaml:6:9$/);
  });

  it('decides a record\'s field by the rules on that field, not by a PLAIN rule on another', () => {
    const mixed = loaded(role('agent', ['{ on: Customer, fields: [email], decision: PLAIN }', '{ on: Customer, fields: [phone], decision: MASKED, masker: phone }']));
    expect(explain(mixed, 'agent', 'Customer.phone', { record: { segment: 'vip' } })).toMatchObject({ decision: 'MASKED', masker: 'phone', rule: { action: 'read_masked' } });
    expect(explain(mixed, 'agent', 'Customer.segment', { record: { segment: 'vip' } })).toMatchObject({ decision: 'PLAIN', masker: null });
  });

  it('names the role and field it explains', () => {
    expect(explain(set, 'clerk', 'Customer.email')).toMatchObject({ role: 'clerk', field: 'Customer.email', decision: 'PLAIN' });
  });
});

describe(`${runPolicyTests.name} on files it cannot run`, () => {
  const set = loaded(role('clerk', [ALL_BUT_ADDRESS]));
  const invalid = (message: unknown) => ({ name: '(invalid test file)', roles: [], passed: false, expected: '', actual: '', message });

  it('reports a test file that is not YAML, once, at its line, and runs no case', () => {
    const dir = policyDir({ 'broken.test.yaml': 'cases:\n  - { name: unclosed, role: clerk\n' });
    const results = runPolicyTests(set, dir);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ ...invalid(expect.stringMatching(/./)), at: expect.stringMatching(/broken\.test\.yaml:\d+:\d+$/) });
  });

  it('reports a case the schema refuses with what is wrong, and nothing else about it', () => {
    const dir = policyDir({ 'bad.test.yaml': 'cases:\n  - { name: no expectation, role: clerk, mutation: grantRole }\n' });
    const [result, ...rest] = runPolicyTests(set, dir);
    expect(rest).toEqual([]);
    expect(result).toMatchObject({ ...invalid(expect.stringContaining('expect')), loc: { line: 2, col: 5 } });
    expect(result!.at).toBe(`${dir}/bad.test.yaml:2:5`);
  });

  it('checks the masker only when the case names one and the field came out MASKED', () => {
    const masking = loaded(role('clerk', ['{ on: Customer, fields: [phone], decision: MASKED, masker: phone }']));
    const dir = policyDir({ 'maskers.test.yaml': [
      'cases:',
      '  - { name: any masker, role: clerk, type: Customer, field: phone, expect: MASKED }',
      '  - { name: denied with a masker named, role: clerk, type: Customer, field: email, expect: DENIED, masker: hash }',
      '',
    ].join('\n') });
    expect(runPolicyTests(masking, dir).map((r) => [r.name, r.passed, r.actual, r.message])).toEqual([
      ['any masker', true, 'MASKED', null],
      ['denied with a masker named', true, 'DENIED', null],
    ]);
  });

  it('fails a case on a field the catalog lacks with an empty result, not a decision', () => {
    const dir = policyDir({ 'typo.test.yaml': 'cases:\n  - { name: typo, role: clerk, type: Customer, field: emial, expect: DENIED }\n' });
    expect(runPolicyTests(set, dir)).toMatchObject([
      { name: 'typo', roles: ['clerk'], passed: false, expected: 'DENIED', actual: '', message: 'unknown field "Customer.emial" in the case' },
    ]);
  });
});

describe(`${explain.name} for a principal`, () => {
  const set = loadPolicySet(policyDir({
    'purposes.policy.yaml': 'purposes:\n  support: { description: { ja: 対応, en: Support }, legalBasis: contract }\n',
    'roles.policy.yaml': `roles:\n${role('agent', ['{ on: Customer, fields: [name], decision: PLAIN, purposes: [support], when: { teamId: $principal.teamId } }'])}`,
  }), contractCatalog);
  const principal = { id: 'p1', teamId: 't1' };
  const record = { teamId: 't1' };

  it('keeps a purpose-bound rule conditional when no purpose is given', () => {
    expect(explain(set, 'agent', 'Customer.name', { principal })).toMatchObject({
      decision: 'CONDITIONAL', summary: 'CONDITIONAL(PLAIN if teamId = t1 and purpose in [support]; else DENIED): depends on the record',
    });
    expect(explain(set, 'agent', 'Customer.name', { principal, record }).decision).toBe('DENIED');
  });

  it('applies the rule only under its purpose', () => {
    expect(explain(set, 'agent', 'Customer.name', { principal, record, purpose: 'support' }).decision).toBe('PLAIN');
    expect(explain(set, 'agent', 'Customer.name', { principal, record, purpose: null }).decision).toBe('DENIED');
    expect(explain(set, 'agent', 'Customer.name', { principal, purpose: null }).summary).toBe('DENIED because no rule of "agent" grants it (fail closed)');
  });
});

describe(`${diffMatrices.name} across changed shapes`, () => {
  const cell = (text: string) => ({ decision: 'DENIED' as const, text });
  const before: DecisionMatrix = { version: 'a', purpose: null, roles: ['kept', 'gone'], fields: ['T.f'], cells: { kept: { 'T.f': cell('DENIED') }, gone: { 'T.f': cell('PLAIN') } } };
  const after: DecisionMatrix = { version: 'b', purpose: null, roles: ['kept'], fields: ['T.f', 'T.new'], cells: { kept: { 'T.f': cell('DENIED'), 'T.new': cell('MASKED(hash)') } } };

  it('shows a field that appeared and a role that went away as cells with null on one side', () => {
    expect(diffMatrices(before, after)).toEqual([
      { role: 'kept', field: 'T.new', before: null, after: 'MASKED(hash)' },
      { role: 'gone', field: 'T.f', before: 'PLAIN', after: null },
    ]);
    expect(diffMatrices(after, before)).toEqual([
      { role: 'kept', field: 'T.new', before: 'MASKED(hash)', after: null },
      { role: 'gone', field: 'T.f', before: null, after: 'PLAIN' },
    ]);
  });
});

describe(`${renderMatrix.name} as a page`, () => {
  it('writes one table row per line under a caption, and ends with a newline', () => {
    const m: DecisionMatrix = { version: 'v2', purpose: 'support', roles: ['a', 'b'], fields: ['T.f'], cells: { a: { 'T.f': { decision: 'PLAIN', text: 'PLAIN' } }, b: { 'T.f': { decision: 'MASKED', text: 'MASKED(hash)' } } } };
    const lines = renderMatrix(m, 'html').split('\n');
    expect(lines.slice(3)).toEqual([
      '<table><caption>Policy v2, purpose support</caption>',
      '<tr><th>role</th><th>T.f</th></tr>',
      '<tr><th>a</th><td class="plain">PLAIN</td></tr>',
      '<tr><th>b</th><td class="masked">MASKED(hash)</td></tr>',
      '</table>',
      '',
    ]);
  });
});
