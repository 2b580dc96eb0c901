/**
 * Where the gateway's time goes on the dashboard query, at c=1, sequential and interleaved:
 * the gateway end to end, the same two subgraph calls it makes sent straight (captured from the
 * gateway itself), the subgraph calls through the gateway's own fetcher (make-fetch-happen by
 * default) vs plain fetch, and authentication alone. The per-fetch times inside the gateway are
 * taken by wrapping RemoteGraphQLDataSource.sendRequest.
 *
 *   npm run bench -- gateway-breakdown [--rounds 200] [--scale 1]
 *   node --cpu-prof ... for a profile: see the report printed at the end
 */
import 'reflect-metadata';
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Session } from 'node:inspector/promises';
import { authenticate } from '../src/auth/authenticate.js';
import { issueToken } from '../src/auth/jwt.js';
import { cliPolicyDir } from '../src/cli/runtime.js';
import { loadPolicy } from '../src/server/policy.js';
import { openBenchDb } from './support/bench-db.js';
import { BENCH_JWT_SECRET as secret, startBenchPlatform } from './support/platform.js';
import { interleave, stats } from './support/measure.js';
import { selfTime, type Profile } from './support/profile.js';

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])));
const rounds = Number(args.get('rounds') ?? 200);
const scale = Number(args.get('scale') ?? 1);
const DASHBOARD = 'query Dashboard { feedbacks(first: 100) { edges { node { id channel body receivedAt customer { id name email phone address } } } } }';

interface Sent {
  url: string;
  body: string;
  headers: Record<string, string>;
}

async function main(): Promise<void> {
  const log = (l: string) => console.error(l);
  const db = await openBenchDb({ customers: 10_000 * scale, feedback: 100_000 * scale }, log);
  const policy = await loadPolicy(cliPolicyDir());
  const platform = await startBenchPlatform(db, { policy: policy });
  const authorization = `Bearer ${await issueToken(secret, 'p-analyst')}`;

  // Capture what the gateway sends, and time each fetch inside it.
  const proto = RemoteGraphQLDataSource.prototype as unknown as { sendRequest: (req: { http: { url: string; headers: Iterable<[string, string]> } }, ctx: unknown) => Promise<unknown> };
  const original = proto.sendRequest;
  let capture: Sent[] | null = null;
  const fetchMs: number[] = [];
  proto.sendRequest = async function (this: unknown, request, context) {
    const t0 = performance.now();
    if (capture) {
      const { http, ...rest } = request as unknown as { http: { url: string; headers: Iterable<[string, string]> } };
      capture.push({ url: http.url, body: JSON.stringify(rest), headers: Object.fromEntries(http.headers) });
    }
    try {
      return await original.call(this, request, context);
    } finally {
      fetchMs.push(performance.now() - t0);
    }
  };

  const post = async (url: string, body: string, headers: Record<string, string>, fetcher: typeof fetch = fetch) => {
    const res = await fetcher(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const text = await res.text();
    if (res.status !== 200 || text.includes('"errors"')) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
    return text;
  };
  const gatewayBody = JSON.stringify({ query: DASHBOARD });
  capture = [];
  const answer = await post(platform.gatewayUrl, gatewayBody, { authorization });
  const sent = capture;
  capture = null;
  console.log(`gateway answer ${answer.length} bytes; it sent ${sent.length} fetches:`);
  for (const s of sent) console.log(`  ${s.url}  ${s.body.length} bytes  ${s.body.slice(0, 160)}…`);

  if (args.has('explain')) for (const s of sent) await explainFetch(db.orm, s);
  // The fetcher a RemoteGraphQLDataSource uses by default (make-fetch-happen), as the gateway has it.
  const mfh = new RemoteGraphQLDataSource({ url: sent[0]!.url }).fetcher as unknown as typeof fetch;
  const straight = (fetcher: typeof fetch) => async () => {
    for (const s of sent) await post(s.url, s.body, s.headers, fetcher);
  };
  const em = db.orm.em.fork();
  const samples = await interleave(
    [
      { name: 'gateway end to end', run: async () => void (await post(platform.gatewayUrl, gatewayBody, { authorization })) },
      { name: 'subgraph fetches straight (fetch)', run: straight(fetch) },
      { name: 'subgraph fetches straight (make-fetch-happen)', run: straight(mfh) },
      { name: 'authenticate (JWT + principal row)', run: async () => void (await authenticate(authorization, em, { jwtSecret: secret, oidc: null })) },
    ],
    { warmup: 20, rounds },
  );
  fetchMs.length = 0;
  // Self time by function while only the gateway query runs (the whole process: gateway and subgraphs).
  const session = args.has('profile') ? new Session() : null;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const gw = await interleave([{ name: 'gateway', run: async () => void (await post(platform.gatewayUrl, gatewayBody, { authorization })) }], { warmup: 0, rounds: Math.min(rounds, 100) });
  if (session) console.log(selfTime(((await session.post('Profiler.stop')) as { profile: Profile }).profile));
  const per = (k: number) => fetchMs.filter((_, i) => i % sent.length === k);
  const rows = [
    ...samples.map(stats),
    ...sent.map((s, k) => stats({ name: `  in gateway: fetch ${k + 1} (${new URL(s.url).port})`, ms: per(k) })),
    stats({ name: '  gateway (same run as the fetches above)', ms: gw[0]!.ms }),
  ];
  console.log(`\n${'c=1, sequential'.padEnd(50)}${'median'.padStart(9)}${'p99'.padStart(9)}${'mean'.padStart(9)}`);
  for (const r of rows) console.log(`${r.name.padEnd(50)}${r.median.toFixed(2).padStart(9)}${r.p99.toFixed(2).padStart(9)}${r.mean.toFixed(2).padStart(9)}`);
  // What the feedback page costs with an index matching its ORDER BY (received_at DESC NULLS LAST):
  // the entity's (received_at, id) index cannot serve NULLS LAST descending, so Postgres sorts the table.
  if (args.has('index')) {
    await db.orm.em.getConnection().execute('create index feedback_received_at_desc_nulls_last on feedback (received_at desc nulls last, id desc)');
    if (args.has('explain')) await explainFetch(db.orm, sent[0]!);
    const after = await interleave(
      [
        { name: 'with index: gateway end to end', run: async () => void (await post(platform.gatewayUrl, gatewayBody, { authorization })) },
        { name: 'with index: subgraph fetches straight (fetch)', run: straight(fetch) },
      ],
      { warmup: 10, rounds },
    );
    for (const r of after.map(stats)) console.log(`${r.name.padEnd(50)}${r.median.toFixed(2).padStart(9)}${r.p99.toFixed(2).padStart(9)}${r.mean.toFixed(2).padStart(9)}`);
  }
  proto.sendRequest = original;
  await platform.stop();
  await db.close();
}

/** The SQL a subgraph runs for one of the gateway's fetches, each select with EXPLAIN ANALYZE. */
async function explainFetch(orm: Awaited<ReturnType<typeof openBenchDb>>['orm'], s: Sent): Promise<void> {
  const logger = orm.config.getLogger();
  const seen: Array<{ query: string; params: readonly unknown[] }> = [];
  const original = logger.logQuery.bind(logger);
  logger.logQuery = (ctx) => void seen.push({ query: ctx.query ?? '', params: (ctx.params ?? []) as unknown[] });
  logger.setDebugMode(['query']);
  const t0 = performance.now();
  await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/json', ...s.headers }, body: s.body }).then((r) => r.text());
  console.log(`${s.url} alone: ${(performance.now() - t0).toFixed(1)} ms, ${seen.length} statements`);
  logger.setDebugMode(false);
  logger.logQuery = original;
  const conn = orm.em.getConnection();
  for (const { query: q, params } of seen) {
    if (!/^select/i.test(q.trim())) {
      console.log(`  (not explained) ${q.slice(0, 200)}`);
      continue;
    }
    const plan = (await conn.execute(`explain analyze ${q}`, [...params])) as Array<{ 'QUERY PLAN': string }>;
    console.log(`  ${q.slice(0, 400)}\n${plan.map((r) => `      ${r['QUERY PLAN']}`).join('\n')}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
