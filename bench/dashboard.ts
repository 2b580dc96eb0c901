/**
 * The dashboard query under load, side by side in one run: Koe with enforcement on and off, through
 * the gateway and straight to a subgraph, graphql-shield guarding the same subgraph, the raw
 * node:http + pg floor, and the contract floor (support/contract-floor.ts: what the contract makes
 * every request do, and nothing more), whose answers must equal Koe's for the same principal.
 * autocannon on loopback at several concurrencies; medians, p99, ratios to both floors.
 * Every variant's answer is checked first (200, data, no GraphQL errors) and under load every body
 * must equal that answer: a variant with any failed request is shown as refused, not as a figure.
 * graphql-shield runs at c=1 and c=8 only.
 *
 * 'every column' is enforcement on with KOE_READ_COLUMNS=all: the reads select every column, as
 * before src/resolvers/selected-columns.ts. 'subgraphs over HTTP' is enforcement on with the gateway
 * calling its subgraphs over their ports, as before src/server/local-call.ts.
 *
 * The gateway runs two ways: every server in this one process ('enforcement on'), and as `koe start`
 * runs it, each server in processes of its own ('separate processes', `--workers` per server, at
 * c=8 and c=32), compared at c=32 at the end; and as `koe start --together` runs it, two processes
 * each running every server, sharing the ports (TOGETHER).
 *
 *   npm run bench -- dashboard [--seconds 5] [--concurrency 1,8,32] [--scale 1] [--workers 1] [--only 'name|name']
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { verifyChain } from '../src/audit/verify.js';
import { issueToken } from '../src/auth/jwt.js';
import { cliPolicyDir } from '../src/cli/runtime.js';
import { loadPolicy } from '../src/server/policy.js';
import { openBenchDb } from './support/bench-db.js';
import { BENCH_PSEUDONYM_KEY } from './support/bench-db.js';
import { BENCH_JWT_SECRET as secret, benchPlatformOptions, startBenchPlatform } from './support/platform.js';
import { failures, load, type LoadResult } from './support/load.js';
import { noPolicy } from './support/no-policy.js';
import { startContractFloor } from './support/contract-floor.js';
import { floorRatios, sameAnswer, TOGETHER } from './support/floor-report.js';
import { startRawBaseline } from './support/raw-baseline.js';
import { startShieldCustomers } from './support/shield-server.js';
import { startSplitPlatform } from './support/split-platform.js';

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])));
const seconds = Number(args.get('seconds') ?? 5);
const levels = (args.get('concurrency') ?? '1,8,32').split(',').map(Number);
const scale = Number(args.get('scale') ?? 1);
const only = args.get('only')?.split('|');
const workers = Number(args.get('workers') ?? 1);

const DASHBOARD = 'query Dashboard { feedbacks(first: 100) { edges { node { id channel body receivedAt customer { id name email phone address } } } } }';
const CUSTOMERS = 'query Customers { customers(first: 100) { edges { node { id customerKey name nameKana email phone address birthDate prefecture } } } }';
const SPLIT = 'gateway, separate processes';
const mb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);

async function main(): Promise<void> {
  const log = (l: string) => console.error(l);
  const db = await openBenchDb({ customers: 10_000 * scale, feedback: 100_000 * scale }, log);
  const policy = await loadPolicy(cliPolicyDir());
  // Rate limits off: a load test is one principal far above 600 requests a minute by design.
  const on = await startBenchPlatform(db, { policy: policy });
  const off = await startBenchPlatform(db, { policy, accessFor: () => noPolicy(policy) }, { guard: false });
  // Enforcement on, reading every column (KOE_READ_COLUMNS=all): what selecting the operation's columns saves.
  const every = await startBenchPlatform(db, { policy, config: { ...benchPlatformOptions(db).config, readColumns: 'all' } });
  // Enforcement on, the gateway calling its subgraphs over HTTP as one elsewhere would: what calling them in-process saves.
  const wire = await startBenchPlatform(db, { policy, subgraphCalls: 'http' });
  const shield = await startShieldCustomers({ ...benchPlatformOptions(db), policy: policy });
  const raw = await startRawBaseline(db.url, 20);
  const split = await startSplitPlatform(db, policy.version, workers, log);
  const together = await startSplitPlatform(db, policy.version, 2, log, true);
  const floor = await startContractFloor(db, policy, { jwtSecret: secret, pseudonymKey: BENCH_PSEUDONYM_KEY, poolMax: 20 });
  const auth = { authorization: `Bearer ${await issueToken(secret, 'p-analyst')}` };
  const variants = [
    { name: 'raw floor: dashboard SQL', url: raw.dashboardUrl, query: DASHBOARD },
    { name: 'contract floor: dashboard', url: floor.dashboardUrl, query: DASHBOARD },
    { name: 'gateway, enforcement off', url: off.gatewayUrl, query: DASHBOARD },
    { name: 'gateway, enforcement on', url: on.gatewayUrl, query: DASHBOARD },
    { name: 'gateway, every column', url: every.gatewayUrl, query: DASHBOARD },
    { name: 'gateway, subgraphs over HTTP', url: wire.gatewayUrl, query: DASHBOARD },
    { name: SPLIT, url: split.gatewayUrl, query: DASHBOARD, levels: [8, 32] },
    { name: TOGETHER, url: together.gatewayUrl, query: DASHBOARD },
    { name: 'raw floor: customers SQL', url: raw.customersUrl, query: CUSTOMERS },
    { name: 'contract floor: customers', url: floor.customersUrl, query: CUSTOMERS },
    { name: 'subgraph, enforcement off', url: off.subgraphUrls.customers, query: CUSTOMERS },
    { name: 'subgraph, enforcement on', url: on.subgraphUrls.customers, query: CUSTOMERS },
    { name: 'subgraph, every column', url: every.subgraphUrls.customers, query: CUSTOMERS },
    { name: 'subgraph, graphql-shield', url: shield.url, query: CUSTOMERS, levels: [1, 8] },
  ].filter((v) => !only || only.some((o) => v.name.includes(o)));
  const results: LoadResult[] = [];
  try {
    const once = (v: (typeof variants)[number]) => fetch(v.url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ query: v.query }) });
    // Warm-up by sequential requests: a timed burst would leave the slowest variant (graphql-shield)
    // with a backlog that runs into the next variant's measurement. The last answer is the reference.
    const reference = new Map<string, { body: string }>();
    for (const v of variants) {
      for (let i = 0; i < 20; i++) {
        const res = await once(v);
        const body = await res.text();
        const parsed = JSON.parse(body) as { data?: unknown; errors?: Array<{ message: string }> };
        if (res.status !== 200 || parsed.errors?.length || !parsed.data) throw new Error(`${v.name} does not answer correctly (HTTP ${res.status}): ${body.slice(0, 300)}`);
        const prev = reference.get(v.name);
        // A body that changes between identical requests cannot be checked byte for byte.
        reference.set(v.name, { body: prev && prev.body !== body ? '' : body });
      }
    }
    // The contract floors count only if they answer what Koe answers the same principal.
    const pairs = [
      ['contract floor: customers', 'subgraph, enforcement on'],
      ['contract floor: dashboard', 'gateway, enforcement on'],
      [SPLIT, 'gateway, enforcement on'],
      ['subgraph, every column', 'subgraph, enforcement on'],
      ['gateway, every column', 'gateway, enforcement on'],
    ] as const;
    for (const [mine, koe] of pairs) {
      const a = reference.get(mine)?.body;
      const b = reference.get(koe)?.body;
      if (a === undefined || b === undefined) continue;
      const same = sameAnswer(a, b);
      if (!same) throw new Error(`${mine} does not answer what ${koe} answers:\n${a.slice(0, 400)}\n${b.slice(0, 400)}`);
      log(`${mine}: the same answer as ${koe} (${same})`);
    }
    const rssWarm = mb();
    for (const c of levels) {
      for (const v of variants) {
        if (v.levels && !v.levels.includes(c)) continue;
        const ref = reference.get(v.name)!;
        const r = await load(v.name, v.url, JSON.stringify({ query: v.query }), auth, c, seconds, { expectBody: ref.body || undefined });
        results.push(r);
        // Requests still in flight when autocannon stops would steal the next variant's time.
        await once(v);
        log(`${v.name.padEnd(28)} c=${String(c).padEnd(3)} ${r.rps.toFixed(1).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  n ${r.requests}  failed ${failures(r)} (errors ${r.errors}, non-2xx ${r.non2xx}, wrong body ${r.mismatches})`);
      }
    }
    const rssAfter = mb();
    // Koe's servers and the contract floor extend one chain: it must still verify as a whole.
    const conn = db.orm.em.fork().getConnection();
    const chain = await verifyChain((sql, params) => conn.execute(sql, params ?? []));
    log(`audit chain after the runs: ${chain.events} events, ${chain.ok ? 'verified' : `BROKEN: ${JSON.stringify(chain.problem)}`}`);
    console.log(report(results, levels));
    console.log(floorRatios(results, levels));
    console.log(oneVsSplit(results));
    console.log(`\nRSS of the server process: ${rssWarm} MiB after warm-up, ${rssAfter} MiB after the runs`);
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
    const out = new URL(`./results/dashboard-${Date.now()}.json`, import.meta.url);
    writeFileSync(out, JSON.stringify({ seconds, levels, scale, rss: { warm: rssWarm, after: rssAfter }, results }, null, 2));
    console.log(`written to ${out.pathname}`);
  } finally {
    await Promise.allSettled([on.stop(), off.stop(), every.stop(), wire.stop(), split.stop(), together.stop(), shield.close(), raw.close(), floor.close()]);
    await db.close();
  }
}

/** The gateway with every server in one process against each server in processes of its own, at c=32. */
function oneVsSplit(rows: LoadResult[]): string {
  const at = (name: string) => rows.find((r) => r.name === name && r.connections === 32 && failures(r) === 0 && r.requests > 0);
  const one = at('gateway, enforcement on');
  const split = at(SPLIT);
  if (!one || !split) return '\nOne process vs separate processes at c=32: not measured (or a variant had failed requests).';
  return `\nOne process vs separate processes (${workers} per server) at c=32, dashboard through the gateway: ` +
    `${one.rps.toFixed(1)} vs ${split.rps.toFixed(1)} req/s (${(split.rps / one.rps).toFixed(2)}x), p50 ${one.p50} vs ${split.p50} ms`;
}

/** Per concurrency: throughput, p50, p99, and throughput ratios to each group's baseline. */
function report(rows: LoadResult[], cs: number[]): string {
  const baseOf = (name: string) => (name.startsWith('gateway') || name.includes('dashboard') ? 'raw floor: dashboard SQL' : 'raw floor: customers SQL');
  const lines = ['variant'.padEnd(30) + 'c'.padStart(4) + 'req/s'.padStart(9) + 'p50 ms'.padStart(8) + 'p99 ms'.padStart(8) + 'x raw'.padStart(8) + 'x off'.padStart(7) + 'failed'.padStart(8)];
  const ok = (r: LoadResult | undefined) => (r && failures(r) === 0 && r.requests > 0 ? r : undefined);
  const shieldLines: string[] = [];
  for (const c of cs) {
    const at = rows.filter((r) => r.connections === c);
    const rps = (name: string) => ok(at.find((r) => r.name === name))?.rps;
    for (const r of at) {
      const failed = String(failures(r)).padStart(8);
      if (!ok(r)) {
        // Failed requests make a figure meaningless (errors answer faster): refuse to report one.
        lines.push(r.name.padEnd(30) + String(c).padStart(4) + `  refused: ${r.requests} requests, ${failures(r)} failed`.padEnd(39) + failed);
        continue;
      }
      const raw = rps(baseOf(r.name));
      const off = r.name.includes('enforcement on') ? rps(r.name.replace('on', 'off')) : undefined;
      // Ratios of throughput (raw / this): how many times more time per request, under the same load.
      const xr = raw ? (raw / r.rps).toFixed(2) : '-';
      const xo = off ? (off / r.rps).toFixed(2) : '-';
      lines.push(r.name.padEnd(30) + String(c).padStart(4) + r.rps.toFixed(1).padStart(9) + String(r.p50).padStart(8) + String(r.p99).padStart(8) + xr.padStart(8) + xo.padStart(7) + failed);
    }
    const koe = ok(at.find((r) => r.name === 'subgraph, enforcement on'));
    const shield = ok(at.find((r) => r.name === 'subgraph, graphql-shield'));
    if (koe && shield) {
      shieldLines.push(`  c=${c}: Koe ${(koe.rps / shield.rps).toFixed(1)}x the throughput of graphql-shield (${koe.rps.toFixed(1)} vs ${shield.rps.toFixed(1)} req/s), p50 ${koe.p50} vs ${shield.p50} ms (${(shield.p50 / Math.max(koe.p50, 1)).toFixed(1)}x)`);
    } else if (at.some((r) => r.name === 'subgraph, graphql-shield')) {
      shieldLines.push(`  c=${c}: no ratio, a variant had failed requests`);
    }
  }
  if (shieldLines.length) lines.push('', 'Koe vs graphql-shield (customers subgraph, same schema and rules):', ...shieldLines);
  return lines.join('\n');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
