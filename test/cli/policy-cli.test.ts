/**
 * `koe policy …` run for real, as an admin would: one child process per command, asserting what
 * it prints and how it exits. Spawns are slow (~3 s each), so each test runs exactly one.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runKoe } from '../support/koe-cli.js';

// A spawn compiles the three subgraphs (~3 s alone, much more when both files run at once on few cores).
vi.setConfig({ testTimeout: 60_000 });

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const POLICIES = join(ROOT, 'policies');

/** The CLI as `npx koe` runs it (from `cwd`), with the shipped policies rather than a KOE_POLICY_DIR of the environment. */
const koe = (args: readonly string[], cwd = ROOT) => runKoe(args, { KOE_POLICY_DIR: undefined }, { cwd });

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'koe-cli-test-'));
  dirs.push(dir);
  return dir;
}

/** A copy of the shipped policies with one file edited; returns the directory. */
function editedCopy(file: string, from: string, to: string, into = tempDir()): string {
  const dir = join(into, 'policies');
  cpSync(POLICIES, dir, { recursive: true });
  const text = readFileSync(join(dir, file), 'utf8');
  expect(text).toContain(from);
  writeFileSync(join(dir, file), text.replace(from, to));
  return dir;
}

/** 1-based line of the first occurrence of `needle` in a shipped policy file. */
function lineOf(file: string, needle: string): number {
  const text = readFileSync(join(POLICIES, file), 'utf8');
  const at = text.indexOf(needle);
  expect(at).toBeGreaterThanOrEqual(0);
  return text.slice(0, at).split('\n').length;
}

const NO_STACK = /^\s+at /m;

describe('koe policy check', () => {
  it('accepts the shipped policy files and prints version and roles', async () => {
    const r = await koe(['policy', 'check']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Policy [0-9a-f]{16} is valid/);
    expect(r.stdout).toMatch(/^ {2}analyst +analytics +\d+ rules, read-only$/m);
    expect(r.stdout).toMatch(/^ {2}bi_readonly +analytics +\d+ rules, read-only, trusted documents only \(clients bi; API keys\)$/m);
  });

  it('refuses a typo in a field name, naming the file and line, without a stack trace', async () => {
    const dir = editedCopy('roles-analytics.policy.yaml', 'fields: [name, nameKana, email,', 'fields: [name, nameKana, emial,');
    const r = await koe(['policy', 'check', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`roles-analytics.policy.yaml:${lineOf('roles-analytics.policy.yaml', 'fields: [name, nameKana, email,')}:`);
    expect(r.stderr).toContain('emial');
    expect(r.stderr).not.toMatch(NO_STACK);
  });
});

describe('koe policy test', () => {
  it('passes every case beside the shipped policies', async () => {
    const r = await koe(['policy', 'test']);
    expect(r.stdout).toMatch(/^\d+ passed, 0 failed$/m);
    expect(r.code).toBe(0);
  });

  it('fails a case with a wrong expectation, naming its file and line', async () => {
    const dir = editedCopy('roles-analytics.test.yaml', '    expect: MASKED\n    masker: email', '    expect: PLAIN\n    masker: email');
    const r = await koe(['policy', 'test', '--dir', dir, '--filter', 'email masked, never plain']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`roles-analytics.test.yaml:${lineOf('roles-analytics.test.yaml', "- name: an analyst sees a customer's email masked")}:`);
    expect(r.stdout).toContain('expected PLAIN, got MASKED');
    expect(r.stdout).toMatch(/^0 passed, 1 failed$/m);
  });
});

describe('koe policy explain', () => {
  it('names the rule that masks an email for an analyst', async () => {
    const r = await koe(['policy', 'explain', 'analyst', 'Customer.email']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^analyst sees Customer\.email: MASKED/);
    // The rule is the `- on: Customer` line right above the field list that names email.
    expect(r.stdout).toContain(`roles-analytics.policy.yaml:${lineOf('roles-analytics.policy.yaml', 'fields: [name, nameKana, email,') - 1}:`);
  });

  it('denies a BI tool the name of a customer', async () => {
    const r = await koe(['policy', 'explain', 'bi_readonly', 'Customer.name']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^bi_readonly sees Customer\.name: DENIED/);
  });

  it("shows an agent's own team's customer email in plain", async () => {
    const r = await koe(['policy', 'explain', 'support_agent', 'Customer.email', '--record', '{"teamId":"team-east"}', '--principal', '{"id":"p","teamId":"team-east"}']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^support_agent sees Customer\.email: PLAIN/);
    expect(r.stdout).toContain('roles-cx.policy.yaml:');
  });

  it("masks another team's customer email for an agent (as JSON)", async () => {
    const r = await koe(['policy', 'explain', 'support_agent', 'Customer.email', '--json', '--record', '{"teamId":"team-east"}', '--principal', '{"id":"p","teamId":"team-west"}']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ role: 'support_agent', field: 'Customer.email', decision: 'MASKED', masker: 'email' });
  });

  it('says an unknown role is denied everything, and why', async () => {
    const r = await koe(['policy', 'explain', 'intern', 'Customer.email']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^intern sees Customer\.email: DENIED/);
    expect(r.stdout).toContain('unknown role "intern"');
  });

  it('refuses a --record that is not JSON with exit code 2', async () => {
    const r = await koe(['policy', 'explain', 'analyst', 'Customer.email', '--record', '{teamId: east}']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--record is not valid JSON');
    expect(r.stderr).not.toMatch(NO_STACK);
  });
});

describe('koe policy matrix', () => {
  it('prints the role x @pii field decisions as JSON', async () => {
    const r = await koe(['policy', 'matrix', '--format', 'json']);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout) as { cells: Record<string, Record<string, { decision: string }>> };
    expect(m.cells.analyst?.['Customer.email']?.decision).toBe('MASKED');
    expect(m.cells.bi_readonly?.['Customer.name']?.decision).toBe('DENIED');
  });
});

describe('koe policy diff', () => {
  it('finds no decision change between HEAD and a clean tree', async () => {
    const r = await koe(['policy', 'diff', 'HEAD']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no decision changes');
  });

  it('lists the cell a rule change flips, in a repository of its own', async () => {
    const repo = tempDir();
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=koe test', '-c', 'user.email=test@koe.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, stdio: 'pipe' });
    git('init', '-q');
    cpSync(POLICIES, join(repo, 'policies'), { recursive: true });
    git('add', '.');
    git('commit', '-qm', 'policies as shipped');
    // The analyst's email leaves the MASKED list for a PLAIN rule of its own.
    editedCopy(
      'roles-analytics.policy.yaml',
      '        fields: [name, nameKana, email, phone, purchases]\n        decision: MASKED\n',
      '        fields: [name, nameKana, phone, purchases]\n        decision: MASKED\n      - on: Customer\n        fields: [email]\n        decision: PLAIN\n',
      repo,
    );
    const r = await koe(['policy', 'diff', 'HEAD', '--dir', join(repo, 'policies')], repo);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| analyst | Customer.email | MASKED(email) → PLAIN |');
    expect(r.stdout).toContain('1 decision changed');
  });
});
