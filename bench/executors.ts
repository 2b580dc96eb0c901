/**
 * graphql-js against graphql-jit (issue 16: keep compiled execution only if it wins), side by side
 * in one process: two platforms on the same database, policy on, analyst. First interleaved
 * sequential medians per query; then autocannon per concurrency in A-B-B-A order, so drift on a
 * shared machine hits both executors alike. Every answer must equal the graphql-js reference.
 *
 *   npm run bench -- executors [--rounds 200] [--seconds 5] [--concurrency 1,8] [--scale 1]
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { issueToken } from '../src/auth/jwt.js';
import { PROJECT_ROOT } from '../src/cli/runtime.js';
import { EXECUTORS, type ExecutorName } from '../src/server/jit-executor.js';
import type { Platform } from '../src/server/platform.js';
import { loadPolicy, policyDir } from '../src/server/policy.js';
import { openBenchDb } from './support/bench-db.js';
import { failures, load, type LoadResult } from './support/load.js';
import { interleave, stats, table } from './support/measure.js';
import { BENCH_JWT_SECRET as secret, startBenchPlatform } from './support/platform.js';

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])));
const rounds = Number(args.get('rounds') ?? 200);
const seconds = Number(args.get('seconds') ?? 5);
const levels = (args.get('concurrency') ?? '1,8').split(',').map(Number);
const scale = Number(args.get('scale') ?? 1);

const QUERIES = {
  'subgraph customers page': { at: 'customers', query: 'query Customers { customers(first: 100) { edges { node { id customerKey name nameKana email phone address birthDate prefecture } } } }' },
  'subgraph feedback page': { at: 'feedback', query: 'query Dashboard { feedbacks(first: 100) { edges { node { id channel body receivedAt } } } }' },
  'subgraph _entities x100': { at: 'customers', query: 'query E($representations: [_Any!]!) { _entities(representations: $representations) { ... on Customer { name email phone address } } }' },
  'gateway dashboard': { at: 'gateway', query: 'query Dashboard { feedbacks(first: 100) { edges { node { id channel body receivedAt customer { id name email phone address } } } } }' },
} as const;
type QueryName = keyof typeof QUERIES;
const LOADED: QueryName[] = ['subgraph customers page', 'gateway dashboard'];

async function main(): Promise<void> {
  const log = (l: string) => console.error(l);
  const db = await openBenchDb({ customers: 10_000 * scale, feedback: 100_000 * scale }, log);
  const policy = await loadPolicy(policyDir(PROJECT_ROOT, null));
  const platforms = {} as Record<ExecutorName, Platform>;
  for (const executor of EXECUTORS) platforms[executor] = await startBenchPlatform(db, { policy, executor });
  const auth = { authorization: `Bearer ${await issueToken(secret, 'p-analyst')}` };
  const ids = (await db.orm.em.getConnection().execute<Array<{ id: string }>>('select id from customer order by id limit 100')).map((r) => r.id);
  const bodyOf = (q: QueryName) => JSON.stringify({ query: QUERIES[q].query, variables: { representations: ids.map((id) => ({ __typename: 'Customer', id })) } });
  const urlOf = (e: ExecutorName, q: QueryName) => {
    const at = QUERIES[q].at;
    return at === 'gateway' ? platforms[e].gatewayUrl : platforms[e].subgraphUrls[at];
  };
  const post = async (e: ExecutorName, q: QueryName) => {
    const res = await fetch(urlOf(e, q), { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: bodyOf(q) });
    return { status: res.status, text: await res.text() };
  };
  const cpuRows: Array<{ query: QueryName; js: number; jit: number }> = [];
  try {
    const reference = new Map<QueryName, string>();
    for (const q of Object.keys(QUERIES) as QueryName[]) {
      const js = await post('graphql-js', q);
      const jit = await post('graphql-jit', q);
      if (js.status !== 200 || js.text.includes('"errors"')) throw new Error(`${q}: graphql-js answers HTTP ${js.status}: ${js.text.slice(0, 300)}`);
      if (jit.text !== js.text) throw new Error(`${q}: graphql-jit answers otherwise than graphql-js`);
      reference.set(q, js.text);
    }
    const variants = (Object.keys(QUERIES) as QueryName[]).flatMap((q) =>
      EXECUTORS.map((e) => ({
        name: `${q}, ${e}`,
        run: async () => {
          const r = await post(e, q);
          if (r.text !== reference.get(q)) throw new Error(`${q}, ${e}: answer changed`);
        },
      })),
    );
    const rows = (await interleave(variants, { warmup: 30, rounds })).map(stats);
    console.log(table(rows, rows[0]!.name));
    console.log('\njit / js (median, sequential):');
    for (const q of Object.keys(QUERIES)) {
      const js = rows.find((r) => r.name === `${q}, graphql-js`)!;
      const jit = rows.find((r) => r.name === `${q}, graphql-jit`)!;
      console.log(`  ${q.padEnd(26)} ${js.median.toFixed(2)} → ${jit.median.toFixed(2)} ms (${(js.median / jit.median).toFixed(2)}x)`);
    }
    // CPU time of this process per request (servers and client alike; the client's share is the same
    // for both executors): steadier than wall time on a shared machine, where waits swing.
    console.log('\nCPU ms per request (process.cpuUsage, blocks of 20 alternating):');
    for (const q of Object.keys(QUERIES) as QueryName[]) {
      const cpu = { 'graphql-js': 0, 'graphql-jit': 0 } as Record<ExecutorName, number>;
      const blocks = Math.max(2, Math.round(rounds / 20));
      for (let b = 0; b < blocks; b++) {
        for (const e of b % 2 ? [...EXECUTORS].reverse() : EXECUTORS) {
          const t0 = process.cpuUsage();
          for (let i = 0; i < 20; i++) await post(e, q);
          const d = process.cpuUsage(t0);
          cpu[e] += (d.user + d.system) / 1000 / 20 / blocks;
        }
      }
      cpuRows.push({ query: q, js: cpu['graphql-js'], jit: cpu['graphql-jit'] });
      console.log(`  ${q.padEnd(26)} js ${cpu['graphql-js'].toFixed(2)} ms, jit ${cpu['graphql-jit'].toFixed(2)} ms (js/jit ${(cpu['graphql-js'] / cpu['graphql-jit']).toFixed(2)}x)`);
    }
    const loaded: LoadResult[] = [];
    for (const c of levels) {
      for (const q of LOADED) {
        // A-B-B-A: the second pair runs in the opposite order, and the figure is the mean of both.
        for (const e of [...EXECUTORS, ...[...EXECUTORS].reverse()]) {
          const r = await load(`${q}, ${e}`, urlOf(e, q), bodyOf(q), auth, c, seconds, { expectBody: reference.get(q)! });
          loaded.push(r);
          await post(e, q);
          log(`${r.name.padEnd(40)} c=${String(c).padEnd(3)} ${r.rps.toFixed(1).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  failed ${failures(r)}`);
        }
      }
    }
    console.log('\nunder load (mean of the A-B-B-A pair): req/s, p50 ms');
    for (const c of levels) {
      for (const q of LOADED) {
        const of = (e: ExecutorName) => loaded.filter((r) => r.connections === c && r.name === `${q}, ${e}`);
        const fig = (e: ExecutorName) => {
          const rs = of(e);
          if (rs.some((r) => failures(r) > 0)) return null;
          return { rps: rs.reduce((a, r) => a + r.rps, 0) / rs.length, p50: rs.reduce((a, r) => a + r.p50, 0) / rs.length };
        };
        const js = fig('graphql-js');
        const jit = fig('graphql-jit');
        if (!js || !jit) {
          console.log(`  c=${c} ${q}: refused (failed requests)`);
          continue;
        }
        console.log(`  c=${String(c).padEnd(3)} ${q.padEnd(26)} js ${js.rps.toFixed(1)} req/s p50 ${js.p50} | jit ${jit.rps.toFixed(1)} req/s p50 ${jit.p50} | jit/js throughput ${(jit.rps / js.rps).toFixed(2)}x`);
      }
    }
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
    const out = new URL(`./results/executors-${Date.now()}.json`, import.meta.url);
    writeFileSync(out, JSON.stringify({ rounds, seconds, levels, scale, sequential: rows, cpu: cpuRows, loaded }, null, 2));
    console.log(`written to ${out.pathname}`);
  } finally {
    await Promise.allSettled(Object.values(platforms).map((p) => p.stop()));
    await db.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
