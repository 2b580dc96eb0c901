import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicySet, runPolicyTests } from '../../src/policies/index.js';
import { contractCatalog } from '../fixtures/catalog.fixture.js';

const POLICY_DIR = fileURLToPath(new URL('../../policies', import.meta.url));
const set = loadPolicySet(POLICY_DIR, contractCatalog);
const results = runPolicyTests(set, POLICY_DIR);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe(runPolicyTests.name, () => {
  it('finds the shipped cases', () => {
    expect(results.length).toBeGreaterThan(100);
  });

  it.each(results.map((r) => [r.name, r] as const))('%s', (_name, r) => {
    expect(r.message, r.at).toBeNull();
    expect(r.passed).toBe(true);
  });

  it.each([...set.roles.keys()])('has cases for %s, including a denial', (role) => {
    const mine = results.filter((r) => r.roles.includes(role));
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.some((r) => r.expected === 'DENIED')).toBe(true);
  });

  it('has cases for an unknown role', () => {
    expect(results.some((r) => r.roles.some((role) => !set.roles.has(role)) && r.expected === 'DENIED')).toBe(true);
  });

  // Guards against a runner that passes everything: a wrong expectation must fail, at its line.
  it('reports a failing case with its file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'koe-policy-tests-'));
    dirs.push(dir);
    cpSync(POLICY_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'wrong.test.yaml'), [
      'cases:',
      '  - name: an analyst sees emails in plain (wrong on purpose)',
      '    role: analyst',
      '    type: Customer',
      '    field: email',
      '    expect: PLAIN',
      '  - name: a case on a misspelt field',
      '    role: analyst',
      '    type: Customer',
      '    field: emial',
      '    expect: DENIED',
      '',
    ].join('\n'));
    const failed = runPolicyTests(loadPolicySet(dir, contractCatalog), dir).filter((r) => !r.passed);
    expect(failed.map((r) => [r.at.replace(dir, '<dir>'), r.message])).toEqual([
      ['<dir>/wrong.test.yaml:2:5', 'expected PLAIN, got MASKED'],
      ['<dir>/wrong.test.yaml:7:5', 'unknown field "Customer.emial" in the case'],
    ]);
  });

  it('reports an invalid test file instead of skipping it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'koe-policy-tests-'));
    dirs.push(dir);
    cpSync(POLICY_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'bad.test.yaml'), 'cases:\n  - name: no expectation\n    role: analyst\n    mutation: grantRole\n');
    const failed = runPolicyTests(loadPolicySet(dir, contractCatalog), dir).filter((r) => !r.passed);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.at).toMatch(/bad\.test\.yaml:2:5$/);
  });
});
