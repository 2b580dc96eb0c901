/**
 * Where the audit recorder's CPU goes on a request through the gateway: the customers page with
 * its feedback (as `audit-append --only latency`), sequential, on two platforms (recorder on and
 * off) in this process, profiled in alternating blocks so drift hits both alike. Prints the CPU per
 * request of each, then what the recorder adds, per request: self time by package and function,
 * and Koe's own functions by total time (on − off, µs per request).
 *
 *   npm run bench -- audit-profile [--rounds 400] [--block 50] [--first 100] [--save prefix] [--profiler off]
 *
 * `--profiler off`: CPU per request only (the sampling profiler's own cost left out); the mean over
 * alternating blocks moves less with other jobs' load than the medians of single requests do.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { issueToken } from '../src/auth/jwt.js';
import { cliPolicyDir } from '../src/cli/runtime.js';
import { loadPolicy } from '../src/server/policy.js';
import { customersWithFeedback } from './support/audit-query.js';
import { openBenchDb } from './support/bench-db.js';
import { BENCH_JWT_SECRET as secret, startBenchPlatform } from './support/platform.js';
import { isKoe, relative, type Profile } from './support/profile.js';

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])));
const rounds = Number(args.get('rounds') ?? 400);
const block = Number(args.get('block') ?? 50);
const first = Number(args.get('first') ?? 100);
const QUERY = customersWithFeedback(first);

type Tree = Profile & { nodes: Array<{ children?: number[] }> };
/** Per key, ms over the profile: self time by package, self time by function, Koe's functions inclusive. */
interface Sums { total: number; pkg: Map<string, number>; self: Map<string, number>; koe: Map<string, number> }

function sums(p: Tree): Sums {
  const byNode = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out: Sums = { total: 0, pkg: new Map(), self: new Map(), koe: new Map() };
  const add = (m: Map<string, number>, k: string, ms: number) => m.set(k, (m.get(k) ?? 0) + ms);
  p.samples.forEach((id, i) => {
    const ms = (p.timeDeltas[i] ?? 0) / 1000;
    const f = byNode.get(id)!.callFrame;
    if (f.functionName === '(idle)' || f.functionName === '(program)') return;
    out.total += ms;
    const url = relative(f.url).replace(/^.*node_modules\//, '');
    add(out.pkg, url.startsWith('@') ? url.split('/').slice(0, 2).join('/') : url.includes('/') ? url.split('/')[0]! : url || f.functionName, ms);
    add(out.self, `${f.functionName || '(anon)'} ${url}:${f.lineNumber}`, ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const g = byNode.get(at)!.callFrame;
      if (!isKoe(g.url)) continue;
      const k = `${g.functionName || '(anon)'} ${relative(g.url)}:${g.lineNumber}`;
      if (!seen.has(k)) add(out.koe, k, ms);
      seen.add(k);
    }
  });
  return out;
}

function merge(into: Sums, s: Sums): void {
  into.total += s.total;
  for (const key of ['pkg', 'self', 'koe'] as const) for (const [k, v] of s[key]) into[key].set(k, (into[key].get(k) ?? 0) + v);
}

/** The largest differences on − off, µs per request. */
function diff(on: Map<string, number>, off: Map<string, number>, n: number, top: number): string {
  const keys = new Set([...on.keys(), ...off.keys()]);
  const rows = [...keys].map((k) => [k, ((on.get(k) ?? 0) - (off.get(k) ?? 0)) / n * 1000] as const);
  rows.sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  return rows.slice(0, top).map(([k, us]) => `  ${us.toFixed(0).padStart(7)} µs  ${k}`).join('\n');
}

async function main(): Promise<void> {
  const db = await openBenchDb({ customers: 2_000, feedback: 10_000 }, (l) => console.error(l));
  const policy = await loadPolicy(cliPolicyDir());
  const on = await startBenchPlatform(db, { policy });
  const off = await startBenchPlatform(db, { policy }, { recorder: false });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${await issueToken(secret, 'p-analyst')}` };
  const body = JSON.stringify({ query: QUERY });
  const post = (url: string) => async () => {
    const text = await (await fetch(url, { method: 'POST', headers, body })).text();
    if (text.includes('"errors"')) throw new Error(text.slice(0, 300));
  };
  const variants = [{ name: 'recorder on', run: post(on.gatewayUrl) }, { name: 'recorder off', run: post(off.gatewayUrl) }];
  for (let i = 0; i < 30; i++) for (const v of variants) await v.run();
  const profiling = args.get('profiler') !== 'off';
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  const total = variants.map((): Sums => ({ total: 0, pkg: new Map(), self: new Map(), koe: new Map() }));
  const cpu = [0, 0];
  const wall: number[][] = [[], []];
  const profiles: Profile[][] = [[], []];
  const load0 = loadavg();
  for (let done = 0; done < rounds; done += block) {
    for (const [i, v] of variants.entries()) {
      if (profiling) await session.post('Profiler.start');
      const c0 = process.cpuUsage();
      for (let k = 0; k < block; k++) {
        const t0 = performance.now();
        await v.run();
        wall[i]!.push(performance.now() - t0);
      }
      // Work the request left for later (the alert queue) is the request's too.
      await new Promise((r) => setTimeout(r, 20));
      const c = process.cpuUsage(c0);
      cpu[i]! += (c.user + c.system) / 1000;
      if (!profiling) continue;
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Tree };
      merge(total[i]!, sums(profile));
      if (args.get('save')) profiles[i]!.push(profile);
    }
  }
  const n = Math.ceil(rounds / block) * block;
  const fmt = (l: number[]) => l.map((x) => x.toFixed(1)).join(', ');
  console.log(`${n} requests each, blocks of ${block}; load average ${fmt(load0)} → ${fmt(loadavg())}`);
  const median = (l: number[]) => [...l].sort((a, b) => a - b)[Math.floor(l.length / 2)]!;
  for (const [i, v] of variants.entries()) console.log(`${v.name}: CPU ${(cpu[i]! / n).toFixed(2)} ms per request (process.cpuUsage), sampled ${(total[i]!.total / n).toFixed(2)} ms; median ${median(wall[i]!).toFixed(2)} ms`);
  console.log(`recorder adds: median ${(median(wall[0]!) - median(wall[1]!)).toFixed(2)} ms`);
  console.log(`recorder adds: ${((cpu[0]! - cpu[1]!) / n).toFixed(2)} ms CPU per request (sampled ${((total[0]!.total - total[1]!.total) / n).toFixed(2)} ms)`);
  if (!profiling) return void (await Promise.all([on.stop(), off.stop()]), await db.close());
  console.log(`\nself time by package, on − off:\n${diff(total[0]!.pkg, total[1]!.pkg, n, 15)}`);
  console.log(`\nself time by function, on − off:\n${diff(total[0]!.self, total[1]!.self, n, 40)}`);
  console.log(`\nKoe's functions by total time, on − off:\n${diff(total[0]!.koe, total[1]!.koe, n, 40)}`);
  if (args.get('save')) for (const [i, v] of variants.entries()) writeFileSync(`${args.get('save')}-${v.name.replace(' ', '-')}.json`, JSON.stringify(profiles[i]));
  await on.stop();
  await off.stop();
  await db.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
