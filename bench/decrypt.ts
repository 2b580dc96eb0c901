/**
 * What field decryption costs: the 100-row customers query as `admin` (every field PLAIN) on the
 * customers subgraph, decrypting (production resolvers) and not (a benchmark-only schema whose
 * encrypted fields return the stored ciphertext), both on the same bare Apollo server, side by side
 * in one run. The production subgraph (audit recorder, limits, request log) is measured too: its
 * median is the latency the decryption cost is a share of. Target: decryption ≤ 10% of the median.
 *
 * (1) Sequential, interleaved (sub-millisecond medians): no-decrypt, decrypt with the key cache warm,
 *     production; then cold keys: `crypto.forgetAll()` before each request, against the warm request
 *     that follows it. (2) autocannon on loopback at c=1 and c=8, variants alternating per pass, every
 *     body checked against the reference answer; autocannon's percentiles are whole milliseconds.
 * (3) The in-process floor: the page's ciphertexts opened in a loop, keys in memory.
 *
 *   npm run bench -- decrypt [--rounds 300] [--cold-rounds 100] [--seconds 5] [--passes 2] [--concurrency 1,8] [--scale 1]
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { issueToken } from '../src/auth/jwt.js';
import { cliPolicyDir } from '../src/cli/runtime.js';
import { FIELD_PREFIX } from '../src/crypto/index.js';
import { ENCRYPTED_FIELDS } from '../src/data/encryption/index.js';
import { subgraphSchema } from '../src/server/subgraphs.js';
import { loadPolicy } from '../src/server/policy.js';
import { ciphertextCustomersSchema, startBareCustomers } from './support/bare-customers.js';
import { openBenchDb } from './support/bench-db.js';
import { BENCH_JWT_SECRET as secret, benchPlatformOptions, startBenchPlatform } from './support/platform.js';
import { failures, load, type LoadResult } from './support/load.js';
import { interleave, stats, type Stats } from './support/measure.js';

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])));
const rounds = Number(args.get('rounds') ?? 300);
const coldRounds = Number(args.get('cold-rounds') ?? 100);
const seconds = Number(args.get('seconds') ?? 5);
const passes = Number(args.get('passes') ?? 2);
const levels = (args.get('concurrency') ?? '1,8').split(',').map(Number);
const scale = Number(args.get('scale') ?? 1);
const log = (l: string) => console.error(l);

const QUERY = '{ customers(first: 100) { edges { node { id name nameKana email phone address birthDate } } } }';
const ENCRYPTED = ['name', 'nameKana', 'email', 'phone', 'address', 'birthDate'] as const;

const NO_DECRYPT = 'no decrypt (ciphertext)';
const DECRYPT = 'decrypt, keys cached';
const PRODUCTION = 'production subgraph (decrypt)';
const COLD = 'decrypt, cold keys (forgetAll)';
const WARM_AFTER = 'decrypt, request after cold';
const COLD_BASE = 'no decrypt, same loop as cold';

type Node = Record<(typeof ENCRYPTED)[number] | 'id', string | null>;

async function main(): Promise<void> {
  const db = await openBenchDb({ customers: 10_000 * scale, feedback: 20_000 * scale }, log);
  const policy = await loadPolicy(cliPolicyDir());
  const deps = { ...benchPlatformOptions(db), policy };
  const platform = await startBenchPlatform(db, { policy });
  const plain = await startBareCustomers(deps, await ciphertextCustomersSchema());
  const decrypting = await startBareCustomers(deps, await subgraphSchema('customers'));
  const auth = { authorization: `Bearer ${await issueToken(secret, 'p-admin')}` };
  const body = JSON.stringify({ query: QUERY });
  const urls: Record<string, string> = { [NO_DECRYPT]: plain.url, [DECRYPT]: decrypting.url, [PRODUCTION]: platform.subgraphUrls.customers };
  const fetchBody = async (url: string): Promise<string> => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`HTTP ${res.status} from ${url}: ${text.slice(0, 300)}`);
    return text;
  };
  try {
    // The answers first: 100 rows, no errors, plaintext from the decrypting servers, ciphertext from the other.
    const reference = new Map<string, string>();
    for (const [name, url] of Object.entries(urls)) {
      const text = await fetchBody(url);
      const json = JSON.parse(text) as { errors?: unknown[]; data?: { customers: { edges: Array<{ node: Node }> } } };
      const nodes = json.data?.customers.edges.map((e) => e.node) ?? [];
      if (json.errors?.length || nodes.length !== 100) throw new Error(`${name} does not answer correctly: ${text.slice(0, 300)}`);
      const values = nodes.flatMap((n) => ENCRYPTED.map((f) => n[f])).filter((v): v is string => v !== null);
      const sealed = values.filter((v) => v.startsWith(FIELD_PREFIX)).length;
      const wantSealed = name === NO_DECRYPT ? values.length : 0;
      if (values.length === 0 || sealed !== wantSealed) throw new Error(`${name}: ${sealed} of ${values.length} values sealed, expected ${wantSealed}`);
      reference.set(name, text);
    }
    const decrypted = reference.get(DECRYPT)!;
    if (reference.get(PRODUCTION) !== decrypted) throw new Error('the production subgraph and the decrypting bench server answer differently');
    log(`answers checked: ${JSON.parse(decrypted).data.customers.edges.length} rows; ${Buffer.byteLength(reference.get(NO_DECRYPT)!)} bytes ciphertext vs ${Buffer.byteLength(decrypted)} bytes plaintext`);

    // (1) Sequential latency, interleaved.
    const run = (name: string) => async () => void (await fetchBody(urls[name]!));
    const seq = (await interleave([NO_DECRYPT, DECRYPT, PRODUCTION].map((name) => ({ name, run: run(name) })), { warmup: 30, rounds })).map(stats);
    // Cold keys: every data key of the page is read (one statement) and unwrapped again.
    // A no-decrypt request in the same loop is this phase's own baseline (background load drifts).
    const cold: number[] = [];
    const warmAfter: number[] = [];
    const sameLoop: number[] = [];
    const timed = async (url: string, into: number[]) => {
      const t0 = performance.now();
      await fetchBody(url);
      into.push(performance.now() - t0);
    };
    for (let i = 0; i < coldRounds; i++) {
      if (i % 2) await timed(urls[NO_DECRYPT]!, sameLoop);
      db.crypto.forgetAll();
      await timed(urls[DECRYPT]!, cold);
      await timed(urls[DECRYPT]!, warmAfter);
      if (!(i % 2)) await timed(urls[NO_DECRYPT]!, sameLoop);
    }
    const coldRows = [stats({ name: COLD, ms: cold }), stats({ name: WARM_AFTER, ms: warmAfter }), stats({ name: COLD_BASE, ms: sameLoop })];
    const rows = [...seq, ...coldRows];
    const cpu = await decryptCpu(db, JSON.parse(reference.get(NO_DECRYPT)!) as { data: { customers: { edges: Array<{ node: Node }> } } });

    // (2) autocannon, variants alternating per pass so drift hits them alike.
    const loads: LoadResult[] = [];
    for (const c of levels) {
      for (let p = 0; p < passes; p++) {
        const order = [NO_DECRYPT, DECRYPT, PRODUCTION];
        if (p % 2) order.reverse();
        for (const name of order) {
          const r = await load(name, urls[name]!, body, auth, c, seconds, { expectBody: reference.get(name) });
          loads.push(r);
          // Requests still in flight when autocannon stops would steal the next variant's time.
          await fetchBody(urls[name]!);
          log(`${name.padEnd(30)} c=${String(c).padEnd(2)} pass ${p + 1}: ${r.rps.toFixed(1).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  mean ${r.mean.toFixed(2)} ms  n ${r.requests}  failed ${failures(r)}`);
        }
      }
    }

    const summary = summarize(rows, loads);
    console.log(summary.text);
    console.log(`\nin-process floor: opening the page's ${cpu.values} values (keys cached) takes ${cpu.medianMs.toFixed(3)} ms median (${((1000 * cpu.medianMs) / cpu.values).toFixed(2)} µs per value, ${cpu.iterations} iterations), no HTTP, no GraphQL`);
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
    const out = new URL(`./results/decrypt-${Date.now()}.json`, import.meta.url);
    writeFileSync(out, JSON.stringify({ rounds, coldRounds, seconds, passes, levels, scale, sequential: rows, load: loads, cpu, verdict: summary.verdict }, null, 2));
    console.log(`written to ${out.pathname}`);
  } finally {
    await Promise.allSettled([platform.stop(), plain.close(), decrypting.close()]);
    await db.close();
  }
}

/** The decryption alone: the same page's ciphertexts opened in a loop with the keys in memory. */
async function decryptCpu(db: Awaited<ReturnType<typeof openBenchDb>>, answer: { data: { customers: { edges: Array<{ node: Node }> } } }): Promise<{ values: number; iterations: number; medianMs: number }> {
  const nodes = answer.data.customers.edges.map((e) => e.node);
  const keys = await db.crypto.loadKeys(db.orm.em.fork(), nodes.map((n) => n.id!));
  const cells = nodes.flatMap((n) => ENCRYPTED.filter((f) => n[f] !== null).map((f) => ({ key: keys.get(n.id!)!, column: ENCRYPTED_FIELDS.Customer![f]!.column, id: n.id!, stored: n[f]! })));
  const open = () => {
    for (const c of cells) db.crypto.decrypt(c.key, 'customer', c.column, c.id, c.stored);
  };
  for (let i = 0; i < 50; i++) open();
  const ms: number[] = [];
  for (let i = 0; i < 500; i++) {
    const t0 = performance.now();
    open();
    ms.push(performance.now() - t0);
  }
  return { values: cells.length, iterations: ms.length, medianMs: stats({ name: 'cpu', ms }).median };
}

function summarize(rows: Stats[], loads: LoadResult[]): { text: string; verdict: Record<string, unknown> } {
  const at = (name: string) => rows.find((r) => r.name === name)!;
  const off = at(NO_DECRYPT);
  const lines = ['Sequential (one request at a time, interleaved), ms:', 'variant'.padEnd(34) + 'n'.padStart(6) + 'median'.padStart(9) + 'p99'.padStart(9) + 'x no-dec'.padStart(10) + '+ms'.padStart(8)];
  for (const r of rows) {
    lines.push(r.name.padEnd(34) + String(r.n).padStart(6) + r.median.toFixed(2).padStart(9) + r.p99.toFixed(2).padStart(9) + (r.median / off.median).toFixed(3).padStart(10) + (r.median - off.median).toFixed(2).padStart(8));
  }
  const extra = at(DECRYPT).median - off.median;
  const share = extra / at(DECRYPT).median;
  const shareProd = extra / at(PRODUCTION).median;
  const coldExtra = at(COLD).median - at(COLD_BASE).median;
  lines.push(
    '',
    `decryption, keys cached: +${extra.toFixed(2)} ms per request (median), ${(100 * share).toFixed(1)}% of the decrypting median, ` +
      `${(100 * shareProd).toFixed(1)}% of the production subgraph's median ${at(PRODUCTION).median.toFixed(2)} ms (target ≤ 10%)`,
    `cold keys (forgetAll before the request): +${coldExtra.toFixed(2)} ms over no-decrypt in the same loop, ${(at(COLD).median - at(WARM_AFTER).median).toFixed(2)} ms over the warm request after it; ` +
      `that warm request: +${(at(WARM_AFTER).median - at(COLD_BASE).median).toFixed(2)} ms over no-decrypt in the same loop`,
  );

  // autocannon: per variant and concurrency, passes merged (requests summed, p50/p99 the median of the passes, mean weighted).
  const merged: Array<{ name: string; c: number; rps: number; p50: number; p99: number; mean: number; requests: number; failed: number }> = [];
  for (const c of [...new Set(loads.map((l) => l.connections))]) {
    for (const name of [NO_DECRYPT, DECRYPT, PRODUCTION]) {
      const runs = loads.filter((l) => l.connections === c && l.name === name);
      const requests = runs.reduce((a, r) => a + r.requests, 0);
      const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
      merged.push({
        name, c, requests,
        rps: runs.reduce((a, r) => a + r.rps, 0) / runs.length,
        p50: med(runs.map((r) => r.p50)), p99: med(runs.map((r) => r.p99)),
        mean: runs.reduce((a, r) => a + r.mean * r.requests, 0) / Math.max(requests, 1),
        failed: runs.reduce((a, r) => a + failures(r), 0),
      });
    }
  }
  lines.push('', 'Under load (autocannon, loopback), ms:', 'variant'.padEnd(34) + 'c'.padStart(3) + 'req/s'.padStart(9) + 'p50'.padStart(6) + 'p99'.padStart(6) + 'mean'.padStart(8) + 'x no-dec'.padStart(10) + '+ms mean'.padStart(10) + 'failed'.padStart(8));
  const loadVerdict: Record<string, unknown> = {};
  for (const m of merged) {
    const base = merged.find((x) => x.c === m.c && x.name === NO_DECRYPT)!;
    if (m.failed > 0 || m.requests === 0) {
      lines.push(m.name.padEnd(34) + String(m.c).padStart(3) + `  refused: ${m.requests} requests, ${m.failed} failed`);
      continue;
    }
    lines.push(m.name.padEnd(34) + String(m.c).padStart(3) + m.rps.toFixed(1).padStart(9) + String(m.p50).padStart(6) + String(m.p99).padStart(6) + m.mean.toFixed(2).padStart(8) +
      (m.mean / base.mean).toFixed(3).padStart(10) + (m.mean - base.mean).toFixed(2).padStart(10) + String(m.failed).padStart(8));
    if (m.name === DECRYPT && base.failed === 0) loadVerdict[`c${m.c}`] = { extraMeanMs: m.mean - base.mean, shareOfMean: (m.mean - base.mean) / m.mean, rpsRatio: base.rps / m.rps };
  }
  for (const [c, v] of Object.entries(loadVerdict) as Array<[string, { extraMeanMs: number; shareOfMean: number }]>) {
    lines.push(`  ${c}: decryption adds ${v.extraMeanMs.toFixed(2)} ms to the mean, ${(100 * v.shareOfMean).toFixed(1)}% of the decrypting mean`);
  }
  const verdict = { extraMs: extra, shareOfDecryptingMedian: share, shareOfProductionMedian: shareProd, coldExtraMs: coldExtra, load: loadVerdict, merged, withinTarget: share <= 0.1 };
  lines.push('', `verdict: decryption ${share <= 0.1 ? 'within' : 'OVER'} the 10% budget (${(100 * share).toFixed(1)}% of the median)`);
  return { text: lines.join('\n'), verdict };
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
