/**
 * `recipients:` (recipients.policy.yaml): the shipped recipients load, and every name a recipient
 * uses is checked with file:line: fields the export cannot give, maskers that do not exist,
 * purposes nobody declared, countries that are not ISO codes, a recipient declared twice.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicySet, PolicyError, type PolicySet } from '../../src/policies/index.js';
import { contractCatalog } from '../fixtures/catalog.fixture.js';

const POLICIES = new URL('../../policies', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const PURPOSES = 'purposes:\n  analytics:\n    description: { ja: 分析, en: Analytics }\n    legalBasis: notified\n';
const ROLES = 'roles:\n  r:\n    description: d\n    department: IT\n    rules:\n      - { on: Customer, fields: [id], decision: PLAIN }\n';

function load(recipients: string, extra: Record<string, string> = {}): PolicySet {
  const dir = mkdtempSync(join(tmpdir(), 'koe-policy-recipients-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'purposes.policy.yaml'), PURPOSES);
  writeFileSync(join(dir, 'roles.policy.yaml'), ROLES);
  writeFileSync(join(dir, 'recipients.policy.yaml'), recipients);
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  return loadPolicySet(dir, contractCatalog);
}

function problems(recipients: string, extra: Record<string, string> = {}): string[] {
  try {
    load(recipients, extra);
  } catch (e) {
    if (e instanceof PolicyError) return e.problems.map((p) => `${p.loc.file.split('/').pop()}:${p.loc.line}: ${p.message}`);
    throw e;
  }
  return [];
}

const recipient = (fields: string, over = '') =>
  `recipients:\n  lab:\n    name: Lab\n    address: Tokyo\n    country: ${over || 'JP'}\n    purpose: analytics\n    fields:\n${fields}`;

describe('recipients.policy.yaml', () => {
  it('loads the shipped recipients: one in Japan, one abroad', () => {
    const set = loadPolicySet(POLICIES, contractCatalog);
    expect(set.recipients.get('jp_research')).toMatchObject({ country: 'JP', abroad: false, purpose: 'analytics' });
    expect(set.recipients.get('sg_analytics')).toMatchObject({ country: 'SG', abroad: true });
    expect(set.recipients.get('sg_analytics')!.fields).toContainEqual({ field: 'Customer.customerKey', decision: 'hash' });
  });

  it('compiles PLAIN and masker decisions in file order', () => {
    const set = load(recipient('      Feedback.body: freeText\n      Feedback.rating: PLAIN\n'));
    expect(set.recipients.get('lab')!.fields).toEqual([{ field: 'Feedback.body', decision: 'freeText' }, { field: 'Feedback.rating', decision: 'PLAIN' }]);
  });

  const bad: Array<[string, string, Record<string, string>, RegExp]> = [
    ['an unknown field', recipient('      Feedback.bdy: freeText\n'), {}, /recipients\.policy\.yaml:8: recipient "lab": unknown field "Feedback\.bdy" \(providable fields: Feedback\.id, .*did you mean "Feedback\.body"/],
    ['a field the export cannot give', recipient('      Customer.purchases: PLAIN\n'), {}, /recipients\.policy\.yaml:8: recipient "lab": unknown field "Customer\.purchases"/],
    ['an unknown masker', recipient('      Feedback.body: freetxt\n'), {}, /recipients\.policy\.yaml:8: recipient "lab": unknown masker "freetxt" for Feedback\.body: use PLAIN or a built-in masker \(maskers: email, .*did you mean "freeText"/],
    ['an undeclared purpose', recipient('      Feedback.rating: PLAIN\n').replace('purpose: analytics', 'purpose: analytcs'), {}, /recipients\.policy\.yaml:6: recipient "lab": purpose "analytcs" is not declared \(declared purposes: analytics; did you mean "analytics"\?\)/],
    ['a country that is not an ISO code', recipient('      Feedback.rating: PLAIN\n', 'Japan'), {}, /recipients\.policy\.yaml:5: "recipients\.lab\.country" is not valid: a country is an ISO 3166-1 alpha-2 code/],
    ['a recipient given no fields', recipient('      {}\n').replace('fields:\n      {}', 'fields: {}'), {}, /recipients\.policy\.yaml:7: "recipients\.lab\.fields" is empty: list the fields/],
    ['a recipient declared twice', recipient('      Feedback.rating: PLAIN\n'), { 'more.policy.yaml': recipient('      Feedback.rating: PLAIN\n') }, /recipient "lab" is declared twice/],
  ];
  it.each(bad)('refuses %s with file:line', (_name, text, extra, expected) => {
    const found = problems(text, extra);
    expect(found.join('\n')).toMatch(expected);
  });
});
