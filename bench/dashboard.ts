/**
 * The dashboard query under load, side by side in one run: Koe with enforcement on and off, through
 * the gateway and straight to a subgraph, graphql-shield guarding the same subgraph, and the raw
 * node:http + pg floor. autocannon on loopback at several concurrencies; medians, p99, ratios.
 *
 *   npm run bench -- dashboard [--seconds 5] [--concurrency 1,8,32] [--scale 1] [--only 'name|name']
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { issueToken } from '../src/auth/jwt.js';
import { PROJECT_ROOT } from '../src/cli/runtime.js';
import { silentLogger } from '../src/server/ops/logger.js';
import { startPlatform } from '../src/server/platform.js';
import { accessFromPolicy, loadPolicy, policyDir } from '../src/server/policy.js';
import { openBenchDb, BENCH_PSEUDONYM_KEY } from './support/bench-db.js';
import { load, type LoadResult } from './support/load.js';
import { noPolicy } from './support/no-policy.js';
import { startRawBaseline } from './support/raw-baseline.js';
import { startShieldCustomers } from './support/shield-server.js';

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])));
const seconds = Number(args.get('seconds') ?? 5);
const levels = (args.get('concurrency') ?? '1,8,32').split(',').map(Number);
const scale = Number(args.get('scale') ?? 1);
const only = args.get('only')?.split('|');
const secret = new TextEncoder().encode('koe-bench-secret-0123456789abcdef0123456789');

const DASHBOARD = 'query Dashboard { feedbacks(first: 100) { edges { node { id channel body receivedAt customer { id name email phone address } } } } }';
const CUSTOMERS = 'query Customers { customers(first: 100) { edges { node { id customerKey name nameKana email phone address birthDate prefecture } } } }';
const mb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);

async function main(): Promise<void> {
  const log = (l: string) => console.error(l);
  const db = await openBenchDb({ customers: 10_000 * scale, feedback: 100_000 * scale }, log);
  const policy = await loadPolicy(policyDir(PROJECT_ROOT));
  // Rate limits off: a load test is one principal far above 600 requests a minute by design.
  const base = { orm: db.orm, jwtSecret: secret, pseudonymKey: BENCH_PSEUDONYM_KEY, ports: { gateway: 0, customers: 0, feedback: 0, audit: 0 }, limits: { requestsPerMinute: 0, plainReadsPerMinute: 0 }, logger: silentLogger };
  const on = await startPlatform({ ...base, accessFor: accessFromPolicy(policy) });
  const off = await startPlatform({ ...base, accessFor: () => noPolicy, unguarded: true });
  const shield = await startShieldCustomers({ ...base, accessFor: accessFromPolicy(policy) });
  const raw = await startRawBaseline(db.url, 20);
  const auth = { authorization: `Bearer ${await issueToken(secret, 'p-analyst')}` };
  const variants = [
    { name: 'raw floor: dashboard SQL', url: raw.dashboardUrl, query: DASHBOARD },
    { name: 'gateway, enforcement off', url: off.gatewayUrl, query: DASHBOARD },
    { name: 'gateway, enforcement on', url: on.gatewayUrl, query: DASHBOARD },
    { name: 'raw floor: customers SQL', url: raw.customersUrl, query: CUSTOMERS },
    { name: 'subgraph, enforcement off', url: off.subgraphUrls.customers, query: CUSTOMERS },
    { name: 'subgraph, enforcement on', url: on.subgraphUrls.customers, query: CUSTOMERS },
    { name: 'subgraph, graphql-shield', url: shield.url, query: CUSTOMERS },
  ].filter((v) => !only || only.some((o) => v.name.includes(o)));
  const results: LoadResult[] = [];
  try {
    const once = (v: (typeof variants)[number]) => fetch(v.url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ query: v.query }) });
    // Warm-up by sequential requests: a timed burst would leave the slowest variant (graphql-shield)
    // with a backlog that runs into the next variant's measurement.
    for (const v of variants) for (let i = 0; i < 20; i++) await once(v);
    const rssWarm = mb();
    for (const c of levels) {
      for (const v of variants) {
        const r = await load(v.name, v.url, JSON.stringify({ query: v.query }), auth, c, seconds);
        results.push(r);
        // Requests still in flight when autocannon stops would steal the next variant's time.
        await once(v);
        log(`${v.name.padEnd(28)} c=${String(c).padEnd(3)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors + r.non2xx}`);
      }
    }
    const rssAfter = mb();
    console.log(report(results, levels));
    console.log(`\nRSS of the server process: ${rssWarm} MiB after warm-up, ${rssAfter} MiB after the runs`);
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
    const out = new URL(`./results/dashboard-${Date.now()}.json`, import.meta.url);
    writeFileSync(out, JSON.stringify({ seconds, levels, scale, rss: { warm: rssWarm, after: rssAfter }, results }, null, 2));
    console.log(`written to ${out.pathname}`);
  } finally {
    await Promise.allSettled([on.stop(), off.stop(), shield.close(), raw.close()]);
    await db.close();
  }
}

/** Per concurrency: throughput, p50, p99, and the ratio of p50 latency to each group's baseline. */
function report(rows: LoadResult[], cs: number[]): string {
  const baseOf = (name: string) => (name.startsWith('gateway') || name.includes('dashboard') ? 'raw floor: dashboard SQL' : 'raw floor: customers SQL');
  const lines = ['variant'.padEnd(30) + 'c'.padStart(4) + 'req/s'.padStart(8) + 'p50 ms'.padStart(8) + 'p99 ms'.padStart(8) + 'x raw'.padStart(7) + 'x off'.padStart(7) + 'err'.padStart(5)];
  for (const c of cs) {
    const at = rows.filter((r) => r.connections === c);
    const rps = (name: string) => at.find((r) => r.name === name)?.rps;
    for (const r of at) {
      const raw = rps(baseOf(r.name));
      const off = r.name.includes('enforcement on') ? rps(r.name.replace('on', 'off')) : undefined;
      // Ratios of throughput (raw / this): how many times more time per request, under the same load.
      const xr = raw ? (raw / r.rps).toFixed(2) : '-';
      const xo = off ? (off / r.rps).toFixed(2) : '-';
      lines.push(r.name.padEnd(30) + String(c).padStart(4) + r.rps.toFixed(0).padStart(8) + String(r.p50).padStart(8) + String(r.p99).padStart(8) + xr.padStart(7) + xo.padStart(7) + String(r.errors + r.non2xx).padStart(5));
    }
  }
  return lines.join('\n');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
