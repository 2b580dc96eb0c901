/**
 * Issue 19: the evidence pack diffs the policy versions in force. A Koe runs under the real policy
 * files, then a second one under a copy where an analyst's birth date goes from MASKED(year) to
 * MASKED(hash); each serves a request. The pack lists both versions with their recorded content and,
 * between them, exactly that change (not the unchanged address rule); a version the trail names but
 * Koe never recorded is said to be unknown. The signed manifest verifies and fails after one byte.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvents } from '../../src/audit/append.js';
import { loadPolicy } from '../../src/server/policy.js';
import { koeCliEnv, runKoe } from '../support/koe-cli.js';
import { POLICY_DIR, postAs, startTestKoe, type TestKoe } from '../support/koe.js';
import { seededScratchKoe, type ScratchKoeDb } from '../support/scratch-koe-db.js';

let db: ScratchKoeDb;
let before: TestKoe;
let stop: (() => Promise<void>) | undefined;
let after: TestKoe | undefined;
let changedDir: string;
let versions: { a: string; b: string };
let dir: string;

const BIRTH = `query Ev_Birth { customers(first: 2) { edges { node { id birthDate address } } } }`;
const cli = (env: NodeJS.ProcessEnv, ...args: string[]) => runKoe(args, { ...koeCliEnv(db.url), ...env });

interface Pack { sections: Array<{ id: string; columns: string[]; rows: unknown[][]; notes: string[] }> }

beforeAll(async () => {
  ({ db, koe: before, stop } = await seededScratchKoe({ customers: 6, feedback: 6 }));
  expect((await postAs(before, 'p-analyst', BIRTH)).errors).toBeUndefined();
  changedDir = join(mkdtempSync(join(tmpdir(), 'koe-policies-')), 'policies');
  cpSync(POLICY_DIR, changedDir, { recursive: true });
  const file = join(changedDir, 'roles-analytics.policy.yaml');
  const text = readFileSync(file, 'utf8');
  const edited = text.replace('fields: [birthDate]\n        decision: MASKED\n        masker: year', 'fields: [birthDate]\n        decision: MASKED\n        masker: hash');
  expect(edited).not.toBe(text);
  writeFileSync(file, edited);
  const changed = await loadPolicy(changedDir);
  after = await startTestKoe(changed, { databaseUrl: db.url });
  await postAs(after, 'p-analyst', BIRTH);
  versions = { a: (await loadPolicy(POLICY_DIR)).version, b: changed.version };
  // A version from before Koe recorded content: named by the trail, unknown to the pack.
  await appendAuditEvents(db.orm.em.fork(), [{
    at: new Date(), actorId: 'p-analyst', roles: ['analyst'], action: 'query', outcome: 'ok', operationName: 'Old', operationHash: null,
    purpose: null, subgraph: 'customers', resources: [], fields: [], policyVersion: 'unrecorded0000', requestId: 'ev-old', clientAddress: null, detail: null,
  }]);
  dir = join(mkdtempSync(join(tmpdir(), 'koe-evidence-')), 'pack');
  const day = 86_400_000;
  const r = await cli({ KOE_POLICY_DIR: changedDir }, 'evidence', '--from', new Date(Date.now() - day).toISOString(), '--to', new Date(Date.now() + day).toISOString(), '--out', dir);
  expect(r.code, r.stderr).toBe(0);
}, 240_000);

afterAll(async () => {
  await after?.stop();
  await stop?.();
});

describe('koe evidence: policy versions in force and their matrix diffs', () => {
  it('records each version once, with its files and matrix, when a server first runs under it', async () => {
    const rows = (await db.sql('select version, files, matrix from policy_version_record order by first_seen_at')) as Array<{ version: string; files: Array<{ name: string; text: string }>; matrix: { version: string } }>;
    expect(rows.map((r) => r.version)).toEqual([versions.a, versions.b]);
    expect(rows[1]!.files.find((f) => f.name === 'roles-analytics.policy.yaml')!.text).toContain('fields: [birthDate]\n        decision: MASKED\n        masker: hash');
    expect(rows[1]!.matrix.version).toBe(versions.b);
  });

  it('lists the versions with their recorded content, and says which content is unknown', () => {
    const pack = JSON.parse(readFileSync(join(dir, 'evidence.json'), 'utf8')) as Pack;
    const s = pack.sections.find((x) => x.id === 'policy-versions')!;
    const recorded = s.columns.indexOf('content recorded');
    expect(s.rows.map((r) => [r[0], r[recorded]])).toEqual([[versions.a, true], [versions.b, true], ['unrecorded0000', false]]);
    expect(s.notes.join('\n')).toMatch(/unrecorded0000: content unknown/);
  });

  it('diffs consecutive versions: the changed field only, before → after', () => {
    const pack = JSON.parse(readFileSync(join(dir, 'evidence.json'), 'utf8')) as Pack;
    const s = pack.sections.find((x) => x.id === 'policy-changes')!;
    const ab = s.rows.filter((r) => r[0] === versions.a && r[1] === versions.b);
    expect(ab).toEqual([[versions.a, versions.b, 'analyst', 'Customer.birthDate', 'MASKED(year)', 'MASKED(hash)']]);
    expect(s.rows.some((r) => r[3] === 'Customer.address')).toBe(false);
    expect(s.notes.join('\n')).toContain(`${versions.b} → unrecorded0000: not diffed, the content of unrecorded0000 is unknown`);
    const html = readFileSync(join(dir, 'evidence.html'), 'utf8');
    expect(html).toContain('Customer.birthDate');
    expect(html).toContain('MASKED(year)');
  });

  it('the signed manifest verifies, and one edited byte of the JSON fails it', async () => {
    expect((await cli({}, 'evidence', 'verify', dir)).code).toBe(0);
    const path = join(dir, 'evidence.json');
    const original = readFileSync(path);
    const edited = Buffer.from(original);
    const at = Math.floor(edited.length / 2);
    edited[at] = edited[at] === 0x41 ? 0x42 : 0x41;
    writeFileSync(path, edited);
    const bad = await cli({}, 'evidence', 'verify', dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('does NOT verify');
    writeFileSync(path, original);
  }, 120_000);
});
