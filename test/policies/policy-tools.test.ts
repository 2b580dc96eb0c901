import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkPolicies, diffMatrices, explain, loadPolicySet, matrix, renderMatrix, schemaFilterFor, type SchemaCatalog,
} from '../../src/policies/index.js';
import { contractCatalog } from '../fixtures/catalog.fixture.js';

const POLICY_DIR = fileURLToPath(new URL('../../policies', import.meta.url));
const set = loadPolicySet(POLICY_DIR, contractCatalog);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of the shipped policies with one file edited, as the CLI does for `policy diff`. */
function editedCopy(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'koe-policy-copy-'));
  dirs.push(dir);
  cpSync(POLICY_DIR, dir, { recursive: true });
  writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
  return dir;
}

describe(matrix.name, () => {
  // Built inside each test, not while collecting: StrykerJS then knows which tests cover a mutant.
  const m = () => matrix(set, contractCatalog);
  const cases: Array<[string, string, string]> = [
    ['admin', 'Customer.email', 'PLAIN'],
    ['analyst', 'Customer.email', 'MASKED(email)'],
    ['analyst', 'Customer.address', 'MASKED(prefecture)'],
    ['analyst', 'Customer.birthDate', 'MASKED(year)'],
    ['bi_readonly', 'Customer.name', 'DENIED'],
    ['bi_readonly', 'Feedback.body', 'MASKED(freeText)'],
    ['support_agent', 'Customer.email', 'CONDITIONAL(PLAIN if teamId = $principal.teamId; else MASKED(email))'],
    ['marketing', 'Customer.email', 'CONDITIONAL(PLAIN if consentedPurposes = marketing; else DENIED)'],
    ['marketing', 'Feedback.body', 'DENIED'],
    ['auditor', 'Customer.email', 'DENIED'],
    ['dpo', 'Customer.email', 'CONDITIONAL(PLAIN if purpose in [compliance]; else DENIED)'],
    ['ingest', 'Customer.email', 'DENIED'],
  ];

  it.each(cases)('shows %s on %s as %s', (role, field, text) => {
    expect(m().cells[role]?.[field]?.text).toBe(text);
  });

  it('has a row per role and a column per @pii field', () => {
    expect([...m().roles].sort()).toEqual(['admin', 'analyst', 'auditor', 'bi_readonly', 'dpo', 'ingest', 'marketing', 'support_agent']);
    expect(m().fields).toHaveLength(9);
  });

  it('decides purpose-bound rules when given a purpose', () => {
    expect(matrix(set, contractCatalog, { purpose: 'compliance' }).cells.dpo?.['Customer.email']?.text).toBe('PLAIN');
    expect(matrix(set, contractCatalog, { purpose: 'support' }).cells.dpo?.['Customer.email']?.text).toBe('DENIED');
  });
});

describe(renderMatrix.name, () => {
  const m = () => matrix(set, contractCatalog);

  it('renders markdown with escaped cells', () => {
    const md = renderMatrix(m(), 'md');
    expect(md).toContain('| role | Customer.name |');
    expect(md).toContain('| analyst | MASKED(name) |');
  });

  it('renders json that parses back to the matrix', () => {
    const shown = m();
    expect(JSON.parse(renderMatrix(shown, 'json'))).toEqual(JSON.parse(JSON.stringify(shown)));
  });

  it('renders html with escaped text', () => {
    const html = renderMatrix(m(), 'html');
    expect(html).toContain('<td class="masked">MASKED(email)</td>');
    expect(html).not.toContain('$principal.teamId;<');
  });
});

describe(diffMatrices.name, () => {
  const before = () => matrix(set, contractCatalog);

  it('shows exactly the cells a change touches', () => {
    const dir = editedCopy('roles-analytics.policy.yaml', (t) => t.replace('fields: [name, nameKana, email, phone, purchases]', 'fields: [name, nameKana, phone, purchases]'));
    const after = matrix(loadPolicySet(dir, contractCatalog), contractCatalog);
    expect(diffMatrices(before(), after)).toEqual([{ role: 'analyst', field: 'Customer.email', before: 'MASKED(email)', after: 'DENIED' }]);
  });

  it('shows a new role as cells that did not exist before', () => {
    const dir = editedCopy('roles-it.policy.yaml', (t) => `${t}\n  viewer:\n    description: v\n    department: IT\n    readOnly: true\n    rules:\n      - { on: Customer, fields: [email], decision: MASKED }\n`);
    const changes = diffMatrices(before(), matrix(loadPolicySet(dir, contractCatalog), contractCatalog));
    expect(changes).toContainEqual({ role: 'viewer', field: 'Customer.email', before: null, after: 'MASKED(email)' });
    expect(changes.every((c) => c.role === 'viewer')).toBe(true);
  });

  it('finds nothing between equal matrices', () => {
    expect(diffMatrices(before(), matrix(set, contractCatalog))).toEqual([]);
  });
});

describe(explain.name, () => {
  const cases: Array<[string, string, Parameters<typeof explain>[3], string, RegExp]> = [
    ['admin', 'Customer.email', {}, 'PLAIN', /roles-it\.policy\.yaml:\d+:\d+/],
    ['analyst', 'Customer.address', {}, 'MASKED', /MASKED\(prefecture\) by the analyst rule at .*roles-analytics\.policy\.yaml:\d+:\d+/],
    ['support_agent', 'Customer.email', {}, 'CONDITIONAL', /depends on the record/],
    ['support_agent', 'Customer.email', { record: { teamId: 'a' }, principal: { teamId: 'a' } }, 'PLAIN', /roles-cx\.policy\.yaml/],
    ['support_agent', 'Customer.email', { record: { teamId: 'b' }, principal: { teamId: 'a' } }, 'MASKED', /roles-cx\.policy\.yaml/],
    ['bi_readonly', 'Customer.name', {}, 'DENIED', /no rule of "bi_readonly" grants it \(fail closed\)/],
    ['marketing', 'Customer.email', { record: { consentedPurposes: [] } }, 'DENIED', /no rule matched this record/],
    ['dpo', 'Customer.email', { purpose: 'compliance' }, 'PLAIN', /roles-governance\.policy\.yaml/],
    ['dpo', 'Customer.email', { purpose: null }, 'DENIED', /fail closed/],
    ['intern', 'Customer.email', {}, 'DENIED', /unknown role "intern"/],
    ['admin', 'Customer.password', {}, 'DENIED', /unknown field/],
  ];

  it.each(cases)('explains %s on %s (%j) as %s', (role, field, options, decision, summary) => {
    const e = explain(set, role, field, options);
    expect(e.decision).toBe(decision);
    expect(e.summary).toMatch(summary);
  });

  it('names the rule with its file and line', () => {
    const e = explain(set, 'analyst', 'Customer.birthDate');
    const lines = readFileSync(join(POLICY_DIR, 'roles-analytics.policy.yaml'), 'utf8').split('\n');
    const line = Number(e.rule?.at.split(':').at(-2));
    expect(lines.slice(line - 1, line + 3).join('\n')).toContain('birthDate');
  });
});

describe(checkPolicies.name, () => {
  it('finds nothing to say about the shipped policies', () => {
    expect(checkPolicies(set, contractCatalog)).toEqual({ problems: [], warnings: [] });
  });

  it('warns about a new @pii field that no rule names', () => {
    const customer = contractCatalog.types.Customer!;
    const catalog: SchemaCatalog = {
      ...contractCatalog,
      types: { ...contractCatalog.types, Customer: { ...customer, fields: { ...customer.fields, fax: { name: 'fax', pii: 'PHONE' } } } },
    };
    const { problems, warnings } = checkPolicies(set, catalog);
    expect(problems).toEqual([]);
    expect(warnings.map((w) => w.message)).toEqual([
      'Customer.fax is @pii but no rule names it (only wildcards cover it: support_agent, dpo, admin): decide it for the roles that need it, or accept DENIED',
    ]);
  });

  it('reports policies that name a field the schema no longer has', () => {
    const customer = contractCatalog.types.Customer!;
    const { nameKana: _dropped, ...fields } = customer.fields;
    const catalog: SchemaCatalog = { ...contractCatalog, types: { ...contractCatalog.types, Customer: { ...customer, fields } } };
    const { problems } = checkPolicies(set, catalog);
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/^unknown field "nameKana" on Customer/), expect.stringMatching(/^unknown field "nameKana" on Customer/)]);
  });

  it('warns about a masker written for another category', () => {
    const dir = editedCopy('roles-analytics.policy.yaml', (t) => t.replace('masker: year', 'masker: email'));
    expect(checkPolicies(loadPolicySet(dir, contractCatalog), contractCatalog).warnings.map((w) => w.message)).toEqual([
      'masker "email" on Customer.birthDate (BIRTH_DATE) was written for EMAIL: check the output or use hash/redact',
    ]);
  });
});

describe(schemaFilterFor.name, () => {
  const cases: Array<[string, string[], string[], string[]]> = [
    // [role, some denied fields, some available fields, available mutations]
    ['bi_readonly', ['Customer.email', 'Customer.name', 'AuditEvent.hash'], ['Customer.customerKey', 'Feedback.body'], []],
    ['analyst', ['AuditEvent.hash', 'Principal.roles'], ['Customer.email', 'Feedback.body'], []],
    ['support_agent', ['AuditEvent.hash'], ['Customer.email'], ['updateFeedbackStatus']],
    ['dpo', [], ['Customer.email', 'Purchase.amount'], ['requestErasure', 'recordProvision', 'restrictUse', 'liftRestriction']],
    ['ingest', ['Customer.email', 'Customer.customerKey'], [], ['submitFeedback', 'upsertCustomer', 'recordConsent', 'withdrawConsent']],
    ['intern', ['Customer.customerKey', 'Feedback.body'], [], []],
  ];

  it.each(cases)('prunes the schema of %s', (role, denied, available, mutations) => {
    const f = schemaFilterFor(set, role);
    for (const field of denied) expect(f.deniedFields).toContain(field);
    for (const field of available) expect(f.deniedFields).not.toContain(field);
    expect(contractCatalog.mutations.filter((m) => !f.unavailableMutations.includes(m))).toEqual(mutations);
  });
});
