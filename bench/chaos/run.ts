/**
 * `npm run chaos`: the fault suite. Koe (`koe start`, the real CLI) on an embedded PostgreSQL in a
 * scratch data dir, bounded load through the gateway, and one fault per scenario (see faults.ts).
 * Prints one row per scenario and exits 1 if an invariant breaks: every response with data has all
 * its audit events, no write is committed without its event, no failed write leaves a change, and
 * service recovers without a person. `npm run chaos -- a,d` runs some scenarios only.
 */
import { readFile } from 'node:fs/promises';
import { issueToken } from '../../src/auth/jwt.js';
import { koeScratch, startKoeProcess, type KoeProcess } from '../../test/support/koe-process.js';
import { databaseUrl, FAULTS, type Stage } from './faults.js';
import { tally, type Tally } from './ledger.js';
import { runLoad, timeToRecover, type Target } from './load.js';

const CLIENTS = 6;
const MAX_REQUESTS = 4_000;
const WARMUP_MS = 3_000;
const TAIL_MS = 3_000;
const RECOVER_LIMIT_MS = 90_000;

interface Row extends Tally {
  scenario: string;
  recoverMs: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  koeRestarts: number;
}

const rssMb = async (pid: number) => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<number> {
  const only = process.argv[2]?.split(',');
  const faults = FAULTS.filter((f) => !only || only.includes(f.key));
  const t0 = Date.now();
  console.log('chaos: seeding a scratch embedded PostgreSQL and starting koe…');
  const scratch = await koeScratch({ customers: 40, feedback: 120 });
  // Rate limits would answer the load with 429 before any fault; the rest is the default setup.
  const koeEnv = { KOE_RATE_LIMIT_REQUESTS: '0' };
  let koe: KoeProcess = await startKoeProcess(scratch, 180_000, koeEnv);
  const target: Target = { url: koe.gatewayUrl, token: await issueToken(new TextEncoder().encode(scratch.env.KOE_JWT_SECRET!), 'p-admin') };
  let koeRestarts = 0;
  const stage: Stage = {
    scratch,
    koe,
    koeEnv,
    onKoeRestarted: (next) => {
      koe = stage.koe = next;
      target.url = next.gatewayUrl;
      koeRestarts++;
    },
  };
  console.log(`chaos: koe up in ${((Date.now() - t0) / 1000).toFixed(0)} s at ${koe.gatewayUrl}`);
  const rows: Row[] = [];
  try {
    for (const fault of faults) {
      const prefix = `chaos${fault.key}${Date.now().toString(36)}`;
      const before = koeRestarts;
      const rssBeforeMb = await rssMb(koe.pid);
      let done = false;
      const load = runLoad(target, { prefix, clients: CLIENTS, maxRequests: MAX_REQUESTS, until: () => done });
      await sleep(WARMUP_MS);
      const started = Date.now();
      await fault.inject(stage);
      const from = fault.timeFromStart ? started : Date.now();
      const waited = await timeToRecover(() => target, RECOVER_LIMIT_MS);
      const recoverMs = waited < 0 ? -1 : Date.now() - from;
      await sleep(TAIL_MS);
      done = true;
      const outcomes = await load;
      const counts = await tally(await databaseUrl(scratch), prefix, outcomes);
      // What the supervisor said during this scenario (restarts, attempts), for the reader of the table.
      for (const l of koe.lines.splice(0).filter((x) => /PostgreSQL|orphan/.test(x) && !/^\d{4}-/.test(x))) console.log(`  koe: ${l.slice(0, 160)}`);
      rows.push({ scenario: `${fault.key} ${fault.name}`, ...counts, recoverMs, rssBeforeMb, rssAfterMb: await rssMb(koe.pid), koeRestarts: koeRestarts - before });
      console.log(`chaos: ${fault.key} done (${outcomes.length} requests)`);
    }
  } finally {
    await koe.stop();
    await scratch.remove();
  }
  print(rows);
  const broken = rows.flatMap((r) => violations(r).map((v) => `${r.scenario}: ${v}`));
  console.log(`\nwhole run ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  for (const b of broken) console.log(`INVARIANT BROKEN  ${b}`);
  return broken.length ? 1 : 0;
}

function violations(r: Row): string[] {
  const out: string[] = [];
  if (r.withAllEvents !== r.withData) out.push(`${r.withData - r.withAllEvents} responses with data lack an audit event`);
  if (r.unauditedWrites) out.push(`${r.unauditedWrites} writes committed without their event`);
  if (r.failedWritesLeftChange) out.push(`${r.failedWritesLeftChange} failed writes left a change`);
  if (r.recoverMs < 0) out.push(`no recovery within ${RECOVER_LIMIT_MS / 1000} s`);
  return out;
}

function print(rows: Row[]): void {
  const head = ['scenario', 'responses', 'with data', 'with all events', 'writes committed', 'committed w/o event', 'failed writes w/ change', 'unanswered writes committed', 'recover s', 'RSS MB before→after'];
  const cells = rows.map((r) => [
    r.scenario + (r.koeRestarts ? ' (koe restarted)' : ''),
    r.responses,
    r.withData,
    r.withAllEvents,
    r.writesCommitted,
    r.unauditedWrites,
    r.failedWritesLeftChange,
    r.unansweredWritesCommitted,
    r.recoverMs < 0 ? 'never' : (r.recoverMs / 1000).toFixed(1),
    `${r.rssBeforeMb}→${r.rssAfterMb}`,
  ].map(String));
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(width[i]!)).join(' | ')} |`;
  console.log(`\n${line(head)}\n| ${width.map((w) => '-'.repeat(w)).join(' | ')} |`);
  for (const c of cells) console.log(line(c));
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(2);
  },
);
