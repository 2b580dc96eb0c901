/**
 * `feedbackStats` grouped by week × channel over the benchmark set (100,000 feedback items at
 * --scale 1) against the same GROUP BY run raw with `pg`, closed loop at each concurrency. Koe is
 * measured straight to the feedback subgraph and through the gateway, as admin (no row condition:
 * the very statement the raw run sends) and as the BI tool (its use-restriction condition and
 * minGroupSize 10). Koe's admin answer must equal the raw rows before anything is timed. Two raw
 * baselines: the GROUP BY alone, and the same GROUP BY with the WHERE an analyst would write to leave
 * out the customers restricted for admin's default purpose (what Koe's admin answer leaves out; the
 * benchmark set has no restrictions, so both return the same rows). Variants are interleaved round by
 * round (the machine's other load hits them alike); `--seconds` is per variant.
 *
 *   npm run bench -- analytics [--seconds 10] [--concurrency 1,8] [--scale 1]
 */
import 'reflect-metadata';
import pg from 'pg';
import { issueToken } from '../src/auth/jwt.js';
import { cliPolicyDir } from '../src/cli/runtime.js';
import { accessFromPolicy, loadPolicy } from '../src/server/policy.js';
import type { KoeContext } from '../src/request/context.js';
import { feedbackStatsSql } from '../src/resolvers/feedback/feedback-stats.js';
import { FeedbackStatsDimension } from '../src/schema/types/stats.type.js';
import { openBenchDb } from './support/bench-db.js';
import { noPolicy } from './support/no-policy.js';
import { BENCH_JWT_SECRET as secret, startBenchPlatform } from './support/platform.js';

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])));
const seconds = Number(args.get('seconds') ?? 10);
const levels = (args.get('concurrency') ?? '1,8').split(',').map(Number);
const scale = Number(args.get('scale') ?? 1);

const QUERY = 'query Weekly { feedbackStats(interval: WEEK, groupBy: [CHANNEL]) { groups { key { period channel } count avgRating nps suppressed } } }';
/** What an analyst would write by hand for the same numbers. */
const RAW = `select to_char(date_trunc('week', f.received_at at time zone 'Asia/Tokyo'), 'YYYY-MM-DD') as period, f.channel, count(*)::int as n,
  avg(f.rating)::float8 as avg, count(f.rating)::int as rated,
  count(*) filter (where f.rating >= 9)::int as promoters, count(*) filter (where f.rating <= 6)::int as detractors
from feedback f group by date_trunc('week', f.received_at at time zone 'Asia/Tokyo'), f.channel order by 1, 2`;
/** The same, leaving out customers whose data the DPO restricted for the purpose ($1), by hand. */
const RAW_RESTRICTED = RAW.replace(
  'from feedback f group by',
  'from feedback f where f.customer_id is null or f.customer_id not in (select customer_id from use_restriction where purpose = $1) group by',
);

interface Result {
  name: string;
  c: number;
  n: number;
  p50: number;
  p99: number;
  rps: number;
}

/**
 * Rounds until `seconds` per variant have passed: each round runs every variant once (in a rotated
 * order, so drift and other load hit them alike) as `c` concurrent calls, and keeps every latency.
 */
async function interleaved(variants: ReadonlyArray<{ name: string; run: () => Promise<unknown> }>, c: number): Promise<Result[]> {
  const ms = variants.map(() => [] as number[]);
  const busy = variants.map(() => 0);
  const until = performance.now() + seconds * 1000 * variants.length;
  for (let round = 0; performance.now() < until; round++) {
    for (let j = 0; j < variants.length; j++) {
      const k = (round + j) % variants.length;
      const t0 = performance.now();
      await Promise.all(Array.from({ length: c }, async () => {
        const t = performance.now();
        await variants[k]!.run();
        ms[k]!.push(performance.now() - t);
      }));
      busy[k]! += performance.now() - t0;
    }
  }
  return variants.map((v, k) => {
    const sorted = ms[k]!.sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return { name: v.name, c, n: sorted.length, p50: at(0.5), p99: at(0.99), rps: (sorted.length / busy[k]!) * 1000 };
  });
}

async function main(): Promise<void> {
  const log = (l: string) => console.error(l);
  const db = await openBenchDb({ customers: 10_000 * scale, feedback: 100_000 * scale }, log);
  const policy = await loadPolicy(cliPolicyDir());
  const koe = await startBenchPlatform(db, { policy });
  // The statement Koe sends for admin (no row condition), to tell the SQL's cost from the platform's.
  const koeSql = feedbackStatsSql({ access: noPolicy(policy), em: db.orm.em.fork() } as unknown as KoeContext, { selected: new Set(['key', 'count', 'avgRating', 'nps', 'suppressed']) }, [FeedbackStatsDimension.WEEK, FeedbackStatsDimension.CHANNEL])!;
  log(`Koe's statement: ${koeSql.sql}`);
  // And with admin's own row condition (its default purpose's use restrictions), as the server sends it.
  const admin = accessFromPolicy(policy)({ id: 'p-admin', displayName: 'admin', roles: ['admin'], teamId: null, attributes: {} }, null);
  const adminSql = feedbackStatsSql({ access: admin, em: db.orm.em.fork() } as unknown as KoeContext, { selected: new Set(['key', 'count', 'avgRating', 'nps']) }, [FeedbackStatsDimension.WEEK, FeedbackStatsDimension.CHANNEL])!;
  log(`admin's statement: ${adminSql.sql} ${JSON.stringify(adminSql.params)}`);
  const pool = new pg.Pool({ connectionString: db.url, max: 20 });
  try {
    type Groups = Array<{ key: { period: string; channel: string }; count: number | null }>;
    const post = async (url: string, principal: string, query = QUERY) => {
      const token = await issueToken(secret, principal);
      return async (): Promise<Groups> => {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
        const body = (await res.json()) as { data?: { feedbackStats?: { groups: Groups } }; errors?: unknown };
        if (res.status !== 200 || body.errors || !body.data) throw new Error(`${url} as ${principal}: ${JSON.stringify(body).slice(0, 300)}`);
        return body.data.feedbackStats?.groups ?? [];
      };
    };
    // The platform's fixed cost per request (authentication, audit event, GraphQL): a lookup that finds nothing.
    const FLOOR = 'query Floor { feedback(id: "00000000-0000-4000-8000-000000000000") { id } }';
    const raw = async () => (await pool.query(RAW)).rows as Array<{ period: string; channel: string; n: number }>;
    const variants = [
      { name: 'raw pg GROUP BY', run: raw },
      { name: 'raw pg, same WHERE', run: async () => void (await pool.query(RAW_RESTRICTED, [adminSql.params[0]])) },
      { name: 'raw pg, Koe\'s statement', run: async () => void (await pool.query(koeSql.sql)) },
      { name: 'ORM execute, admin stmt', run: async () => void (await db.orm.em.fork().getConnection().execute(adminSql.sql, [...adminSql.params], 'all')) },
      { name: 'subgraph, admin, no-op', run: await post(koe.subgraphUrls.feedback, 'p-admin', FLOOR) },
      { name: 'subgraph, admin', run: await post(koe.subgraphUrls.feedback, 'p-admin') },
      { name: 'gateway, admin', run: await post(koe.gatewayUrl, 'p-admin') },
      { name: 'subgraph, bi_readonly', run: await post(koe.subgraphUrls.feedback, 'p-bi') },
      { name: 'gateway, bi_readonly', run: await post(koe.gatewayUrl, 'p-bi') },
    ];
    const want = (await raw()).map((r) => [r.period, r.channel, r.n]);
    const got = (await (await post(koe.subgraphUrls.feedback, 'p-admin'))()).map((g) => [g.key.period, g.key.channel, g.count]);
    if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error('Koe\'s admin answer differs from the raw GROUP BY');
    log(`${want.length} groups (weeks × channels); Koe's admin answer equals the raw rows`);
    for (const v of variants) for (let i = 0; i < 5; i++) await v.run();
    const results: Result[] = [];
    for (const c of levels) {
      for (const r of await interleaved(variants, c)) {
        results.push(r);
        log(`${r.name.padEnd(24)} c=${c} p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  ${r.rps.toFixed(1)} req/s  n ${r.n}`);
      }
    }
    console.log('variant'.padEnd(26) + 'c'.padStart(3) + 'n'.padStart(7) + 'p50 ms'.padStart(9) + 'p99 ms'.padStart(9) + 'req/s'.padStart(8) + 'x raw p50'.padStart(11) + 'x same WHERE'.padStart(14));
    for (const r of results) {
      const ratio = (name: string) => (r.p50 / results.find((b) => b.c === r.c && b.name === name)!.p50).toFixed(2);
      console.log(r.name.padEnd(26) + String(r.c).padStart(3) + String(r.n).padStart(7) + r.p50.toFixed(1).padStart(9) + r.p99.toFixed(1).padStart(9) + r.rps.toFixed(1).padStart(8) + ratio('raw pg GROUP BY').padStart(11) + ratio('raw pg, same WHERE').padStart(14));
    }
  } finally {
    await pool.end();
    await koe.stop();
    await db.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
