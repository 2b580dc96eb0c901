/**
 * The incident report and the evidence pack over a large trail. Builds a valid hash chain of
 * `--events` audit events quickly (hashed here with the same canonical encoding, inserted in bulk
 * with jsonb_populate_recordset), 1 % of them by the suspect principal, each naming 20 customers
 * with per-record exposure. Then runs the real CLI (`koe incident report`, `koe evidence`) as a
 * child process under /usr/bin/time: wall time and peak RSS. The report verifies the whole chain
 * first, so both are measured at a quarter of the set and at the whole, to show memory stays flat.
 *
 *   npm run bench -- incident-scale [--events 1000000] [--batch 5000]
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventHash } from '../src/audit/canonical.js';
import { GENESIS_HASH, type NewAuditEvent } from '../src/audit/event.js';
import { BENCH_MASTER_KEY, BENCH_PSEUDONYM_KEY, openBenchDb } from './support/bench-db.js';

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])));
const total = Number(args.get('events') ?? 1_000_000);
const batch = Number(args.get('batch') ?? 5000);
const log = (l: string) => console.error(l);
const root = fileURLToPath(new URL('..', import.meta.url));

const SUSPECT = 'p-support-east';
const OTHERS = ['p-analyst', 'p-support-west', 'p-bi', 'p-marketing', 'p-dpo'];
const FIELDS = ['Customer.email', 'Customer.name', 'Customer.phone'];

function event(i: number, customers: string[], start: number, span: number): NewAuditEvent {
  const suspect = i % 100 === 0;
  const picked = Array.from({ length: 20 }, (_, k) => customers[(i * 7 + k * 13) % customers.length]!);
  const resources = [...new Set(picked.map((id) => `Customer:${id}`))].sort();
  const half = Math.floor(resources.length / 2);
  const exposure = suspect
    ? [{ plain: FIELDS, records: Array.from({ length: half }, (_, k) => k) }, { masked: FIELDS, records: Array.from({ length: resources.length - half }, (_, k) => k + half) }]
    : [{ masked: FIELDS, records: resources.map((_, k) => k) }];
  return {
    at: new Date(start + Math.floor((i / total) * span)),
    actorId: suspect ? SUSPECT : OTHERS[i % OTHERS.length]!,
    roles: [suspect ? 'support_agent' : 'analyst'],
    action: 'query',
    outcome: 'ok',
    operationName: suspect ? 'Night_Customers' : 'Dashboard',
    operationHash: 'ab'.repeat(32),
    purpose: null,
    subgraph: 'customers',
    resources,
    fields: FIELDS.flatMap((field) => (suspect ? [{ field, decision: 'MASKED', count: resources.length - half }, { field, decision: 'PLAIN', count: half }] : [{ field, decision: 'MASKED', count: resources.length }])),
    policyVersion: 'bench',
    requestId: randomUUID(),
    clientAddress: suspect ? '203.0.113.7' : '10.0.0.1',
    detail: { exposure },
  };
}

interface Timed { seconds: number; maxRssMb: number; code: number; stderr: string }

/** `heapMb`: cap V8's heap, to show the work fits a small fixed heap (peak RSS alone includes garbage not yet collected). */
function timedCli(url: string, cliArgs: string[], heapMb?: number): Timed {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'MAXRSS_KB=%M', process.execPath, join(root, 'bin/koe.js'), ...cliArgs], {
    cwd: root,
    env: { ...process.env, ...(heapMb ? { NODE_OPTIONS: `--max-old-space-size=${heapMb}` } : {}), DATABASE_URL: url, KOE_MASTER_KEY: BENCH_MASTER_KEY, KOE_PSEUDONYM_KEY: BENCH_PSEUDONYM_KEY, KOE_JWT_SECRET: 'koe-bench-jwt-secret-0123456789abcdef' },
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  const kb = Number(/MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? 0);
  return { seconds: (performance.now() - t0) / 1000, maxRssMb: Math.round(kb / 1024), code: r.status ?? -1, stderr: r.stderr.slice(-2000) };
}

async function main(): Promise<void> {
  const db = await openBenchDb({ customers: 2_000, feedback: 2_000 }, log);
  const em = db.orm.em.fork();
  const knex = em.getConnection().getKnex();
  try {
    const customers = ((await knex.raw<{ rows: Array<{ id: string }> }>('select id::text as id from customer')).rows).map((r) => r.id);
    // The seed wrote a few events of its own, and `koe incident report` records itself: continue from the head.
    const readHead = async () => {
      const head = (await knex.raw<{ rows: Array<{ seq: string; hash: string }> }>('select seq::text as seq, hash from audit_event order by audit_event.seq desc limit 1')).rows[0];
      return { seq: BigInt(head?.seq ?? '0'), prev: head?.hash ?? GENESIS_HASH };
    };
    let { seq, prev } = await readHead();
    const span = 30 * 86_400_000;
    const start = Date.now() - span - 3_600_000;
    const results: Record<string, unknown> = { events: total };
    const out = mkdtempSync(join(tmpdir(), 'koe-bench-evidence-'));
    let built = 0;
    let buildMs = 0;
    const quarter = Math.max(batch, Math.round(total / 4 / batch) * batch);
    const measureAt = new Set([quarter, total]);
    for (let i = 0; i < total; ) {
      const t0 = performance.now();
      const rows = [];
      for (const end = Math.min(total, i + batch); i < end; i++) {
        const e = event(i, customers, start, span);
        seq += 1n;
        const hash = eventHash(seq.toString(), e, prev);
        rows.push({
          id: randomUUID(), seq: seq.toString(), at: e.at, actor_id: e.actorId, roles: e.roles, action: e.action, outcome: e.outcome, operation_name: e.operationName,
          operation_hash: e.operationHash, purpose: e.purpose, subgraph: e.subgraph, resources: e.resources, fields: e.fields, policy_version: e.policyVersion,
          request_id: e.requestId, client_address: e.clientAddress, detail: e.detail, prev_hash: prev, hash,
        });
        prev = hash;
      }
      await knex.raw('insert into audit_event select * from jsonb_populate_recordset(null::audit_event, ?::jsonb)', [JSON.stringify(rows)]);
      built = i;
      buildMs += performance.now() - t0;
      if (built % 100_000 < batch) log(`built ${built} events (${Math.round(built / (buildMs / 1000))} events/s)`);
      if (!measureAt.has(built)) continue;
      await knex.raw('analyze audit_event');
      const report = timedCli(db.url, ['incident', 'report', '--principal', SUSPECT, '--format', 'json', '--out', join(out, `report-${built}.json`)]);
      log(`incident report over ${built} events: ${report.seconds.toFixed(1)} s, peak RSS ${report.maxRssMb} MB (exit ${report.code})`);
      if (report.code !== 0) log(report.stderr);
      results[`report@${built}`] = report;
      if (built === total) {
        const capped = timedCli(db.url, ['incident', 'report', '--principal', SUSPECT, '--format', 'json', '--out', join(out, `report-capped-${built}.json`)], 96);
        log(`incident report over ${built} events with a 96 MB heap cap: ${capped.seconds.toFixed(1)} s, peak RSS ${capped.maxRssMb} MB (exit ${capped.code})`);
        if (capped.code !== 0) log(capped.stderr);
        results[`report-heap96@${built}`] = capped;
      }
      if (built === quarter) {
        const day = 86_400_000;
        const evidence = timedCli(db.url, ['evidence', '--from', new Date(start - day).toISOString(), '--to', new Date(Date.now() + day).toISOString(), '--out', join(out, 'pack')]);
        log(`evidence pack over ${built} events: ${evidence.seconds.toFixed(1)} s, peak RSS ${evidence.maxRssMb} MB (exit ${evidence.code})`);
        if (evidence.code !== 0) log(evidence.stderr);
        results[`evidence@${built}`] = evidence;
      }
      ({ seq, prev } = await readHead());
    }
    results.buildEventsPerSecond = Math.round(built / (buildMs / 1000));
    console.log(JSON.stringify(results, (k, v) => (k === 'stderr' ? undefined : v), 2));
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
    writeFileSync(new URL(`./results/incident-scale-${Date.now()}.json`, import.meta.url), JSON.stringify(results, null, 2));
  } finally {
    await db.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
