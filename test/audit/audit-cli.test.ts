/**
 * `koe audit …` run for real against a scratch database: verify's exit code and JSON report on a
 * tampered chain, export to a file; --help of every subcommand is checked in-process.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAudit } from '../../src/cli/commands/audit.command.js';
import { asSuperuser, BASE_TIME, buildChain } from '../support/audit-chain.js';
import { policyDirWithAudit } from '../support/audit-alerts.js';
import { koeCliEnv, runKoe } from '../support/koe-cli.js';
import { scratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';

let db: ScratchKoeDb;
const dir = mkdtempSync(join(tmpdir(), 'koe-audit-cli-'));

beforeAll(async () => {
  db = await scratchKoeDb();
  await buildChain(db, 120, [100]);
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db?.drop();
});

// KOE_MASTER_KEY: the key the test chain's checkpoints were signed with (see test/support/audit-chain.ts).
const koe = (args: readonly string[]) => runKoe(args, { ...koeCliEnv(db.url), KOE_MASTER_KEY: 'koe-test-master-key' });

describe('koe audit', () => {
  // Two spawns in parallel (each CLI start loads the packages, ~2 s): the broken verify and an export.
  it('exits 1 naming the seq of an edited row, and exports a time range as JSON lines', async () => {
    await asSuperuser(db, `update audit_event set outcome = 'ok' where seq = 77`);
    const out = join(dir, 'events.jsonl');
    const since = new Date(BASE_TIME + 100 * 60_000).toISOString();
    const [verify, exported] = await Promise.all([
      koe(['audit', 'verify', '--json', '--batch-size', '50']),
      koe(['audit', 'export', '--since', since, '--format', 'jsonl', '--out', out, '--batch-size', '8']),
    ]);
    expect(verify.code, verify.stderr).toBe(1);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: false, signaturesChecked: true, problem: { seq: '77', kind: 'hash' } });
    expect(exported.code, exported.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual(Array.from({ length: 21 }, (_, i) => 100 + i));
    expect(exported.stderr).toMatch(/Exported 21 audit events/);
  }, 60_000);

  it('prune without --before plans by the retention: periods of the policy files, as a dry run', async () => {
    // The test chain is 120 `query` events from 2026-01-01: all past a 1-day period but the head, which always stays.
    const run = await koe(['audit', 'prune', '--policy-dir', policyDirWithAudit('retention:\n  query: 1d\n  default: 7y\n')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Would remove 119 events \(up to seq 119\); run again with --apply\.\n  query: 119/);
    expect((await db.sql<{ n: string }>('select count(*)::text as n from audit_event'))[0]!.n).toBe('120');
  }, 60_000);

  it.each([
    ['verify', /--json[\s\S]*--progress[\s\S]*--checkpoint/],
    ['export', /--since <iso>[\s\S]*--until[\s\S]*--format[\s\S]*--out/],
    ['checkpoint', /sign a checkpoint/],
    ['prune', /--before <iso>[\s\S]*retention[\s\S]*--apply/],
  ])('explains `audit %s` in --help', (name, expected) => {
    const program = new Command('koe');
    registerAudit(program);
    const audit = program.commands.find((c) => c.name() === 'audit')!;
    expect(audit.helpInformation()).toContain(name);
    expect(audit.commands.find((c) => c.name() === name)!.helpInformation()).toMatch(expected);
  });
});
