/**
 * What the audit trail costs. (1) Throughput: two append batchers on separate ORMs and pools (what
 * two server instances are) append concurrently for --seconds; events/s, then the whole chain must
 * verify. (2) Latency: the policy-overhead query as `analyst` on two platforms, recorder on and off
 * (`unrecorded`, a benchmark-only option), interleaved; prints medians and the difference.
 *
 *   npm run bench -- audit-append [--seconds 10] [--writers 32] [--rounds 200] [--only appends|latency] [--first 100]
 *
 * `--first` sets the page size: a small page shows the audit's share where execution costs little.
 * (3) Where the gateway's difference goes: appends alone, sequentially: one event with a synchronous
 * commit (what a subgraph called directly makes), the three events a dashboard request through the
 * gateway makes (the two subgraphs' handed back, and the edge event) in one synchronous append, as
 * the gateway now appends them, and one event with `synchronous_commit` off (what each subgraph
 * behind the gateway used to append before the edge event, one after the other).
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { AuditAppendBatcher } from '../src/audit/append-batcher.js';
import type { Sql } from '../src/audit/chain-reader.js';
import type { NewAuditEvent } from '../src/audit/event.js';
import { verifyChain } from '../src/audit/verify.js';
import { issueToken } from '../src/auth/jwt.js';
import { cliPolicyDir } from '../src/cli/runtime.js';
import { openOrm, type MikroORM } from '../src/data/orm.js';
import { loadPolicy } from '../src/server/policy.js';
import { openBenchDb, type BenchDb } from './support/bench-db.js';
import { BENCH_JWT_SECRET as secret, startBenchPlatform } from './support/platform.js';
import { interleave, stats, table } from './support/measure.js';

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])));
const seconds = Number(args.get('seconds') ?? 10);
const writers = Number(args.get('writers') ?? 32);
const rounds = Number(args.get('rounds') ?? 200);
const only = args.get('only');
const first = Number(args.get('first') ?? 100);
const log = (l: string) => console.error(l);
const loadAverage = () => (globalThis.process.platform === 'linux' ? ` (load average ${loadavg().map((l) => l.toFixed(1)).join(', ')})` : '');
/** `--exposure off`: events as written before per-record exposure (issue 19), for the before/after figure. */
const withExposure = args.get('exposure') !== 'off';

/** A typical read event: one principal, 20 customers, two fields decided. */
function event(instance: number): NewAuditEvent {
  return {
    at: new Date(), actorId: 'p-analyst', roles: ['analyst'], action: 'query', outcome: 'ok', operationName: 'Bench',
    operationHash: 'ab'.repeat(32), purpose: null, subgraph: `customers-${instance}`,
    resources: Array.from({ length: 20 }, (_, i) => `Customer:${i}`),
    fields: [{ field: 'Customer.email', decision: 'MASKED', count: 20 }, { field: 'Customer.name', decision: 'MASKED', count: 20 }],
    policyVersion: 'bench', requestId: randomUUID(), clientAddress: '127.0.0.1',
    detail: withExposure ? { exposure: [{ masked: ['Customer.email', 'Customer.name'], records: Array.from({ length: 20 }, (_, i) => i) }] } : null,
  };
}

async function throughput(orms: MikroORM[]): Promise<{ events: number; perSecond: number; verified: boolean; verifyMs: number; rowBytes: number; detailBytes: number }> {
  const end = Date.now() + seconds * 1000;
  let events = 0;
  await Promise.all(orms.flatMap((orm, instance) => {
    const batcher = new AuditAppendBatcher();
    // Each writer is one request in flight: it appends and waits for its commit, like the recorder.
    return Array.from({ length: writers }, async () => {
      while (Date.now() < end) {
        await batcher.append(orm.em.fork(), event(instance));
        events++;
      }
    });
  }));
  const em = orms[0]!.em.fork();
  const sql: Sql = (q, p = []) => em.getConnection().execute(q, p);
  const t0 = performance.now();
  const report = await verifyChain(sql, { batchSize: 5_000 });
  if (!report.ok) log(`chain broken: ${JSON.stringify(report.problem)}`);
  const [size] = await sql<{ row: number; detail: number }>('select avg(pg_column_size(a.*))::int as row, coalesce(avg(pg_column_size(a.detail)), 0)::int as detail from audit_event a');
  return { events, perSecond: events / seconds, verified: report.ok && report.events === events, verifyMs: performance.now() - t0, rowBytes: size?.row ?? 0, detailBytes: size?.detail ?? 0 };
}

const QUERY = `{
  customers(first: ${first}) { edges { node { id customerKey name nameKana email phone address birthDate prefecture
    feedback(first: 3) { edges { node { id receivedAt rating body } } } } } }
}`;
const SUBGRAPH_QUERY = `{ customers(first: ${first}) { edges { node { id customerKey name nameKana email phone address birthDate prefecture } } } }`;

/** One append at a time through a batcher (nothing to group with): one event, three, not durable; interleaved. */
async function appendLatency(orm: MikroORM): Promise<ReturnType<typeof stats>[]> {
  const batcher = new AuditAppendBatcher();
  const samples = await interleave([
    { name: 'one append, synchronous commit', run: async () => void (await batcher.append(orm.em.fork(), event(0))) },
    { name: 'one append of 3 events, synchronous', run: async () => void (await batcher.appendGroup(orm.em.fork(), [event(1), event(2), event(0)])) },
    { name: 'one append, synchronous_commit off', run: async () => void (await batcher.append(orm.em.fork(), event(0), { durable: false })) },
  ], { warmup: 20, rounds });
  return samples.map(stats);
}

async function latency(db: BenchDb): Promise<ReturnType<typeof stats>[]> {
  const policy = await loadPolicy(cliPolicyDir());
  const on = await startBenchPlatform(db, { policy });
  const off = await startBenchPlatform(db, { policy }, { recorder: false });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${await issueToken(secret, 'p-analyst')}` };
  const post = (url: string, query: string) => async () => {
    const json = (await (await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query }) })).json()) as { errors?: unknown[]; data?: { customers: { edges: unknown[] } } };
    if (json.errors || json.data?.customers.edges.length !== first) throw new Error(`unexpected answer: ${JSON.stringify(json).slice(0, 300)}`);
  };
  try {
    const samples = await interleave([
      { name: 'gateway, recorder off', run: post(off.gatewayUrl, QUERY) },
      { name: 'gateway, recorder on', run: post(on.gatewayUrl, QUERY) },
      { name: 'subgraph, recorder off', run: post(off.subgraphUrls.customers, SUBGRAPH_QUERY) },
      { name: 'subgraph, recorder on', run: post(on.subgraphUrls.customers, SUBGRAPH_QUERY) },
    ], { warmup: 30, rounds });
    return samples.map(stats);
  } finally {
    await on.stop();
    await off.stop();
  }
}

async function main(): Promise<void> {
  const db = await openBenchDb({ customers: 2_000, feedback: 10_000 }, log);
  const second = await openOrm({ url: db.url, poolMax: 20 });
  try {
    // Appends first, on an empty chain, so every event in it is one of ours when it is verified.
    let tp: Awaited<ReturnType<typeof throughput>> | null = null;
    if (only !== 'latency') {
      log(`appending from 2 instances × ${writers} writers for ${seconds} s …`);
      tp = await throughput([db.orm, second]);
      console.log(`appends: ${tp.events} events in ${seconds} s = ${Math.round(tp.perSecond)} events/s from 2 instances (target ≥ 2000); chain ${tp.verified ? 'intact' : 'BROKEN'} (verified in ${Math.round(tp.verifyMs)} ms); ${tp.rowBytes} bytes per stored row (detail ${tp.detailBytes})`);
    }
    let rows: Awaited<ReturnType<typeof latency>> = [];
    let added: { gateway: number; subgraph: number } | null = null;
    if (only !== 'appends') {
      log(`latency, sequential${loadAverage()} …`);
      rows = await latency(db);
      console.log(table(rows, 'gateway, recorder off'));
      added = { gateway: rows[1]!.median - rows[0]!.median, subgraph: rows[3]!.median - rows[2]!.median };
      console.log(`\naudit write adds (median on − off): gateway ${added.gateway.toFixed(2)} ms, subgraph ${added.subgraph.toFixed(2)} ms (target ≤ 2 ms)`);
      // The servers run in this process: its CPU time per request is theirs and the client's.
      const cpu = { gateway: rows[1]!.cpuMedian - rows[0]!.cpuMedian, subgraph: rows[3]!.cpuMedian - rows[2]!.cpuMedian };
      console.log(`CPU time the audit adds per request (median on − off, process.cpuUsage): gateway ${cpu.gateway.toFixed(2)} ms, subgraph ${cpu.subgraph.toFixed(2)} ms`);
      const appends = await appendLatency(db.orm);
      console.log(`\n${table(appends, appends[0]!.name)}`);
      const [sync, group, async] = appends.map((a) => a.median) as [number, number, number];
      console.log(`a gateway request's appends: now one of 3 events, ${group.toFixed(2)} ms; before, one after the other: edge ${sync.toFixed(2)} ms + 2 subgraphs × ${async.toFixed(2)} ms = ${(sync + 2 * async).toFixed(2)} ms; the WAL flush alone ≈ ${(sync - async).toFixed(2)} ms`);
      rows.push(...appends);
    }
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
    const out = new URL(`./results/audit-append-${Date.now()}.json`, import.meta.url);
    console.log(`load average at the end${loadAverage()}`);
    writeFileSync(out, JSON.stringify({ seconds, writers, rounds, loadavg: loadavg(), latency: rows, added, throughput: tp }, null, 2));
    console.log(`written to ${out.pathname}`);
    if (tp && !tp.verified) process.exitCode = 1;
  } finally {
    await second.close(true);
    await db.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
