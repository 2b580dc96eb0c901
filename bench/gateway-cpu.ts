/**
 * CPU time per dashboard request, by process: where the cores go when the gateway is loaded.
 * Wall-clock figures on a shared machine swing with everyone else's jobs; CPU time per request
 * barely moves, so this is the benchmark to compare changes on a busy machine.
 *
 * Runs Koe split (`koe start`'s processes: gateway, customers, feedback, audit) and, with
 * `--one`, all of Koe in this one process; drives the dashboard query through the gateway with
 * autocannon at each concurrency and reads every process's CPU from /proc: each Koe worker, this
 * process, the PostgreSQL backends serving the bench database, and the load generator.
 *
 *   npm run bench -- gateway-cpu [--seconds 10] [--concurrency 1,8,32] [--scale 0.1] [--workers 1] [--one]
 */
import 'reflect-metadata';
import { issueToken } from '../src/auth/jwt.js';
import { cliPolicyDir } from '../src/cli/runtime.js';
import { loadPolicy } from '../src/server/policy.js';
import { openBenchDb } from './support/bench-db.js';
import { failures, load } from './support/load.js';
import { backendPids, cpuMs } from './support/proc-cpu.js';
import { BENCH_JWT_SECRET as secret, startBenchPlatform } from './support/platform.js';
import { startSplitPlatform } from './support/split-platform.js';

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])));
const seconds = Number(args.get('seconds') ?? 10);
const levels = (args.get('concurrency') ?? '1,8,32').split(',').map(Number);
const scale = Number(args.get('scale') ?? 0.1);
const workers = Number(args.get('workers') ?? 1);
const DASHBOARD = 'query Dashboard { feedbacks(first: 100) { edges { node { id channel body receivedAt customer { id name email phone address } } } } }';
async function main(): Promise<void> {
  const log = (l: string) => console.error(l);
  const db = await openBenchDb({ customers: 10_000 * scale, feedback: 100_000 * scale }, log);
  const policy = await loadPolicy(cliPolicyDir());
  const split = await startSplitPlatform(db, policy.version, workers, log);
  const one = args.has('one') ? await startBenchPlatform(db, { policy }) : null;
  const conn = db.orm.em.fork().getConnection();
  const dbName = new URL(db.url).pathname.slice(1);
  const auth = { authorization: `Bearer ${await issueToken(secret, 'p-analyst')}` };
  const body = JSON.stringify({ query: DASHBOARD });
  // Commits and principal-row reads per request: a subgraph that refuses the gateway's assertion reads the principal itself.
  const dbCounters = async () => {
    const [row] = await conn.execute<Array<{ commits: string; principal_reads: string }>>(
      `select (select xact_commit from pg_stat_database where datname = current_database()) as commits,
         (select coalesce(idx_scan, 0) + coalesce(seq_scan, 0) from pg_stat_user_tables where relname = 'principal') as principal_reads`,
    );
    return { commits: Number(row!.commits), principalReads: Number(row!.principal_reads) };
  };
  const targets = [{ name: 'split', url: split.gatewayUrl }, ...(one ? [{ name: 'one process', url: one.gatewayUrl }] : [])];
  try {
    const reference = new Map<string, string>();
    for (const t of targets) {
      for (let i = 0; i < 30; i++) {
        const res = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body });
        reference.set(t.name, await res.text());
      }
      if (!reference.get(t.name)!.includes('"data"')) throw new Error(`${t.name}: ${reference.get(t.name)!.slice(0, 300)}`);
    }
    const lines: string[] = [];
    for (const c of levels) {
      for (const t of targets) {
        const pids = split.pids();
        const groups: Array<[string, () => number[]]> = [
          ...(t.name === 'split' ? Object.entries(pids).map(([n, ps]) => [n, () => ps] as [string, () => number[]]) : []),
        ];
        const backends = () => backendPids((sql, params) => conn.execute(sql, params), dbName);
        const before = new Map<string, number>(groups.map(([n, ps]) => [n, ps().reduce((s, p) => s + cpuMs(p), 0)]));
        const pgPids = await backends();
        const pgBefore = new Map(pgPids.map((p) => [p, cpuMs(p)]));
        const ownBefore = cpuMs(process.pid);
        const allBefore = cpuMs(process.pid, true);
        const dbBefore = await dbCounters();
        const r = await load(t.name, t.url, body, auth, c, seconds, { expectBody: reference.get(t.name) });
        const pgAfter = await backends();
        const dbAfter = await dbCounters();
        // A backend that appeared during the run counts from zero; one that left is lost (rare: pools keep theirs).
        const pg = pgAfter.reduce((s, p) => s + cpuMs(p) - (pgBefore.get(p) ?? 0), 0);
        const per = (ms: number) => (r.requests ? ms / r.requests : 0);
        const parts = groups.map(([n, ps]) => `${n} ${per(ps().reduce((s, p) => s + cpuMs(p), 0) - before.get(n)!).toFixed(2)}`);
        // The cluster primary (split) or all of Koe (one process); the finished load generator is a child.
        const own = per(cpuMs(process.pid) - ownBefore);
        const loader = per(cpuMs(process.pid, true) - allBefore) - own;
        const perDb = (k: keyof typeof dbAfter) => per(dbAfter[k] - dbBefore[k]).toFixed(2);
        lines.push(`${t.name.padEnd(12)} c=${String(c).padEnd(3)} ${r.rps.toFixed(1).padStart(7)} req/s p50 ${String(r.p50).padStart(4)} ms  failed ${failures(r)}  CPU ms/request: ${parts.join(', ')}, postgres ${per(pg).toFixed(2)}, ${t.name === 'split' ? 'primary' : 'this process'} ${own.toFixed(2)}, load generator ${loader.toFixed(2)}; per request: ${perDb('commits')} commits, ${perDb('principalReads')} principal reads`);
        log(lines.at(-1)!);
      }
    }
    console.log(`\n${lines.join('\n')}`);
  } finally {
    await Promise.allSettled([split.stop(), one?.stop()]);
    await db.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
