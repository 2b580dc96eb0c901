/**
 * The soak of issue 8: the dashboard query through the gateway at concurrency 32 for two minutes on
 * loopback, after a warm-up. Passes when no request failed (every body equals the warm-up answer)
 * and the server's RSS at the end is within 20 % of its value after warm-up. RSS is sampled every
 * 10 s so a steady climb shows even when the end value happens to pass.
 *
 *   npm run bench -- soak [--seconds 120] [--concurrency 32] [--warmup 20] [--scale 1]
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { issueToken } from '../src/auth/jwt.js';
import { cliPolicyDir } from '../src/cli/runtime.js';
import { loadPolicy } from '../src/server/policy.js';
import { openBenchDb } from './support/bench-db.js';
import { BENCH_JWT_SECRET as secret, startBenchPlatform } from './support/platform.js';
import { failures, load } from './support/load.js';

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])));
const seconds = Number(args.get('seconds') ?? 120);
const connections = Number(args.get('concurrency') ?? 32);
const warmupSeconds = Number(args.get('warmup') ?? 20);
const scale = Number(args.get('scale') ?? 1);
const DASHBOARD = 'query Dashboard { feedbacks(first: 100) { edges { node { id channel body receivedAt customer { id name email phone address } } } } }';
const mb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);

async function main(): Promise<void> {
  const log = (l: string) => console.error(l);
  const db = await openBenchDb({ customers: 10_000 * scale, feedback: 100_000 * scale }, log);
  const policy = await loadPolicy(cliPolicyDir());
  const platform = await startBenchPlatform(db, { policy: policy });
  try {
    const auth = { authorization: `Bearer ${await issueToken(secret, 'p-analyst')}` };
    const body = JSON.stringify({ query: DASHBOARD });
    const res = await fetch(platform.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body });
    const reference = await res.text();
    if (res.status !== 200 || !(JSON.parse(reference) as { data?: unknown }).data) throw new Error(`the gateway does not answer correctly: ${reference.slice(0, 300)}`);

    const warm = await load('warm-up', platform.gatewayUrl, body, auth, connections, warmupSeconds, { expectBody: reference });
    const rssWarm = mb();
    log(`warm-up: ${warm.rps.toFixed(1)} req/s, failed ${failures(warm)}; RSS ${rssWarm} MiB`);

    const samples: Array<{ s: number; rss: number }> = [];
    const t0 = Date.now();
    const sampler = setInterval(() => samples.push({ s: Math.round((Date.now() - t0) / 1000), rss: mb() }), 10_000);
    const soak = await load('soak', platform.gatewayUrl, body, auth, connections, seconds, { expectBody: reference });
    clearInterval(sampler);
    const rssEnd = mb();
    const growth = (rssEnd - rssWarm) / rssWarm;
    const ok = failures(soak) === 0 && growth <= 0.2;

    console.log(`soak: gateway dashboard query as analyst, c=${connections}, ${seconds} s`);
    console.log(`  requests ${soak.requests}, ${soak.rps.toFixed(1)} req/s, p50 ${soak.p50} ms, p99 ${soak.p99} ms`);
    console.log(`  failed ${failures(soak)} (errors ${soak.errors}, non-2xx ${soak.non2xx}, wrong body ${soak.mismatches})`);
    console.log(`  RSS ${rssWarm} MiB after warm-up -> ${rssEnd} MiB at the end (${(growth * 100).toFixed(1)} %; limit 20 %)`);
    console.log(`  RSS samples: ${samples.map((x) => `${x.s}s ${x.rss}`).join(', ')}`);
    console.log(`verdict: ${ok ? 'pass' : 'FAIL'}`);
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
    const out = new URL(`./results/soak-${Date.now()}.json`, import.meta.url);
    writeFileSync(out, JSON.stringify({ seconds, connections, warmupSeconds, scale, rss: { warm: rssWarm, end: rssEnd, growth, samples }, soak, ok }, null, 2));
    console.log(`written to ${out.pathname}`);
    if (!ok) process.exitCode = 1;
  } finally {
    await platform.stop();
    await db.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
