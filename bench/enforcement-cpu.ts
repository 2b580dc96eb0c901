/**
 * What enforcement costs per request in CPU, with and without concurrency: the customers page (100
 * rows, nine fields), the feedback page and the dashboard's customer references (`_entities`), as
 * analyst, sent straight to the subgraphs with enforcement on and off (bench/support/unenforced.ts),
 * both servers in this process and autocannon in a child. Per variant: this process's CPU time per
 * request (the servers' work, the client's left out), GC pause time and scavenges per request (the
 * garbage that per-field allocations leave), and req/s. CPU per request moves much less than req/s
 * when others load the machine; variants alternate within each pass so drift hits them alike.
 *
 * `--heap` adds a sampling allocation profile of each variant at c=1 (garbage included): bytes
 * allocated per request, by the innermost Koe function that asked for them.
 *
 *   npm run bench -- enforcement-cpu [--seconds 5] [--concurrency 1,8,32] [--passes 2] [--scale 0.1] [--only customers|feedback|entities] [--profile on.cpuprofile] [--heap]
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { issueToken } from '../src/auth/jwt.js';
import { cliPolicyDir } from '../src/cli/runtime.js';
import { loadPolicy } from '../src/server/policy.js';
import { openBenchDb } from './support/bench-db.js';
import { failures, load } from './support/load.js';
import { noPolicy } from './support/no-policy.js';
import { backendCpu, backendCpuSince, backendPids } from './support/proc-cpu.js';
import { BENCH_JWT_SECRET as secret, startBenchPlatform } from './support/platform.js';
import { byKoeCaller, selfTime, type Profile } from './support/profile.js';

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])));
const seconds = Number(args.get('seconds') ?? 5);
const levels = (args.get('concurrency') ?? '1,8,32').split(',').map(Number);
const passes = Number(args.get('passes') ?? 2);
const scale = Number(args.get('scale') ?? 0.1);
const only = args.get('only')?.split('|');
const log = (l: string) => console.error(l);

const PAGES = {
  customers: { subgraph: 'customers', query: 'query Customers { customers(first: 100) { edges { node { id customerKey name nameKana email phone address birthDate prefecture } } } }' },
  // What the gateway asks of the feedback subgraph for the dashboard.
  feedback: { subgraph: 'feedback', query: 'query Dashboard { feedbacks(first: 100) { edges { node { id channel body receivedAt customer { __typename id } } } } }' },
  // And of the customers subgraph: the 100 references' four personal fields.
  entities: { subgraph: 'customers', query: 'query E($representations: [_Any!]!) { _entities(representations: $representations) { ... on Customer { name email phone address } } }' },
} as const;

interface Tally {
  requests: number;
  cpuMs: number;
  /** The bench database's PostgreSQL backends (row SQL, audit rows). */
  pgMs: number;
  gcMs: number;
  scavenges: number;
  rps: number[];
  failed: number;
}

async function main(): Promise<void> {
  const db = await openBenchDb({ customers: Math.round(10_000 * scale), feedback: Math.round(100_000 * scale) }, log);
  const policy = await loadPolicy(cliPolicyDir());
  const on = await startBenchPlatform(db, { policy });
  const off = await startBenchPlatform(db, { policy, accessFor: () => noPolicy(policy) }, { guard: false });
  const auth = { authorization: `Bearer ${await issueToken(secret, 'p-analyst')}` };
  const ids = (await db.orm.em.getConnection().execute<Array<{ id: string }>>('select id from customer order by id limit 100')).map((r) => r.id);
  const variables = { representations: ids.map((id) => ({ __typename: 'Customer', id })) };
  const pages = Object.entries(PAGES).filter(([name]) => !only || only.includes(name));
  const variants = pages.flatMap(([page, p]) =>
    (['off', 'on'] as const).map((mode) => ({
      name: `${page}, enforcement ${mode}`,
      url: (mode === 'on' ? on : off).subgraphUrls[p.subgraph as 'customers' | 'feedback'],
      body: JSON.stringify({ query: p.query, variables }),
    })),
  );
  let gcMs = 0;
  let scavenges = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcMs += e.duration;
      if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges++;
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  const conn = db.orm.em.fork().getConnection();
  const dbName = new URL(db.url).pathname.slice(1);
  const backends = () => backendPids((sql, params) => conn.execute(sql, params), dbName);
  const post = (v: (typeof variants)[number]) => fetch(v.url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: v.body });
  const tallies = new Map<string, Tally>();
  const loads: number[] = [];
  try {
    for (const v of variants) {
      for (let i = 0; i < 30; i++) {
        const res = await post(v);
        const text = await res.text();
        if (res.status !== 200 || text.includes('"errors"')) throw new Error(`${v.name}: HTTP ${res.status}: ${text.slice(0, 300)}`);
      }
    }
    for (let pass = 0; pass < passes; pass++) {
      for (const c of levels) {
        // Each pass starts from another variant, so none always runs first.
        const order = variants.map((_, i) => variants[(i + pass) % variants.length]!);
        for (const v of order) {
          const g0 = gcMs;
          const s0 = scavenges;
          const pg0 = backendCpu(await backends());
          const c0 = process.cpuUsage();
          const r = await load(v.name, v.url, v.body, auth, c, seconds);
          const cpu = process.cpuUsage(c0);
          // Requests still in flight when autocannon stops would land in the next variant's time.
          await post(v).then((res) => res.text());
          const pg = backendCpuSince(pg0, await backends());
          const key = `${v.name}|${c}`;
          const t = tallies.get(key) ?? { requests: 0, cpuMs: 0, pgMs: 0, gcMs: 0, scavenges: 0, rps: [], failed: 0 };
          t.requests += r.requests;
          t.cpuMs += (cpu.user + cpu.system) / 1000;
          t.pgMs += pg;
          t.gcMs += gcMs - g0;
          t.scavenges += scavenges - s0;
          t.rps.push(r.rps);
          t.failed += failures(r);
          tallies.set(key, t);
          loads.push(loadavg()[0]!);
          log(`pass ${pass + 1} ${v.name.padEnd(30)} c=${String(c).padEnd(3)} ${r.rps.toFixed(1).padStart(7)} req/s  ${((((cpu.user + cpu.system) / 1000) * 1000) / Math.max(r.requests, 1)).toFixed(0).padStart(6)} µs CPU/req  ${((pg * 1000) / Math.max(r.requests, 1)).toFixed(0).padStart(5)} µs postgres/req  load ${loadavg()[0]!.toFixed(2)}`);
        }
      }
    }
    if (args.has('heap')) for (const v of variants) console.log(await allocations(v, auth));
    if (args.get('profile')) await profileOn(variants.find((v) => v.name.endsWith('on'))!, auth, args.get('profile')!);
  } finally {
    gc.disconnect();
    await Promise.allSettled([on.stop(), off.stop()]);
    await db.close();
  }
  console.log(report(tallies, pages.map(([p]) => p)));
  console.log(`\nload average (1 min) during the runs: ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`);
}

function report(tallies: Map<string, Tally>, pages: string[]): string {
  const lines = ['page, c'.padEnd(16) + 'CPU µs/req off'.padStart(15) + 'on'.padStart(8) + 'on/off'.padStart(8) + 'postgres off'.padStart(13) + 'on'.padStart(6) + 'GC µs/req off'.padStart(15) + 'on'.padStart(7) + 'scav/100req off'.padStart(17) + 'on'.padStart(6) + 'req/s off'.padStart(11) + 'on'.padStart(8) + 'failed'.padStart(8)];
  for (const page of pages) {
    for (const c of levels) {
      const off = tallies.get(`${page}, enforcement off|${c}`);
      const on = tallies.get(`${page}, enforcement on|${c}`);
      if (!off || !on) continue;
      const per = (t: Tally, v: number) => (v * 1000) / Math.max(t.requests, 1);
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      lines.push(
        `${page}, c=${c}`.padEnd(16) +
          per(off, off.cpuMs).toFixed(0).padStart(15) +
          per(on, on.cpuMs).toFixed(0).padStart(8) +
          (per(on, on.cpuMs) / per(off, off.cpuMs)).toFixed(3).padStart(8) +
          per(off, off.pgMs).toFixed(0).padStart(13) +
          per(on, on.pgMs).toFixed(0).padStart(6) +
          per(off, off.gcMs).toFixed(0).padStart(15) +
          per(on, on.gcMs).toFixed(0).padStart(7) +
          ((off.scavenges * 100) / Math.max(off.requests, 1)).toFixed(1).padStart(17) +
          ((on.scavenges * 100) / Math.max(on.requests, 1)).toFixed(1).padStart(6) +
          median(off.rps).toFixed(1).padStart(11) +
          median(on.rps).toFixed(1).padStart(8) +
          String(off.failed + on.failed).padStart(8),
      );
    }
  }
  return lines.join('\n');
}

/** A CPU profile of one enforced variant at c=1, for where the remaining time goes. */
async function profileOn(v: { name: string; url: string; body: string }, auth: Record<string, string>, file: string): Promise<void> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  await load(v.name, v.url, v.body, auth, 1, seconds);
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
  writeFileSync(file, JSON.stringify(profile));
  console.log(`\nprofile of ${v.name} at c=1:\n${selfTime(profile, 25)}\n${byKoeCaller(profile)}`);
}

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

/** Bytes allocated per request at c=1 (sampled every 4 KiB, garbage included), by the innermost Koe function on the stack. */
async function allocations(v: { name: string; url: string; body: string }, auth: Record<string, string>): Promise<string> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
  const r = await load(v.name, v.url, v.body, auth, 1, seconds);
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: HeapNode } };
  session.disconnect();
  const src = new URL('../src/', import.meta.url).href;
  const charged = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapNode, koe: string) => {
    const f = n.callFrame;
    const here = f.url.startsWith(src) ? `${f.functionName || '(anon)'} ${f.url.slice(src.length)}:${f.lineNumber}` : koe;
    total += n.selfSize;
    charged.set(here, (charged.get(here) ?? 0) + n.selfSize);
    for (const c of n.children) walk(c, here);
  };
  walk(profile.head, '(no Koe frame)');
  const per = (b: number) => `${(b / 1024 / Math.max(r.requests, 1)).toFixed(1).padStart(7)} KiB`;
  const rows = [...charged].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([k, b]) => `  ${per(b)}  ${k}`);
  return `\nallocated per request, ${v.name} (c=1, ${r.requests} requests): ${per(total)}\n${rows.join('\n')}`;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
