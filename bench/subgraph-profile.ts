/**
 * Where a subgraph's time goes on one query at c=1: the customers page (100 rows, nine fields) sent
 * straight to the customers subgraph as analyst. First the median of sequential requests (profiler
 * off); then the in-process CPU profiler runs while autocannon, in a child process so the client's
 * own work stays out of the profile, keeps one request in flight for --seconds. Prints self time
 * by package and function, then Koe's own functions by total time.
 *
 *   npm run bench -- subgraph-profile [--rounds 300] [--seconds 10] [--role analyst] [--query customers|dashboard|entities|gateway] [--save file.cpuprofile]
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { issueToken } from '../src/auth/jwt.js';
import { cliPolicyDir } from '../src/cli/runtime.js';
import { loadPolicy } from '../src/server/policy.js';
import { openBenchDb } from './support/bench-db.js';
import { BENCH_JWT_SECRET as secret, startBenchPlatform } from './support/platform.js';
import { load } from './support/load.js';
import { interleave, stats } from './support/measure.js';
import { byKoeCaller, inclusiveTime, selfTime, type Profile } from './support/profile.js';

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])));
const rounds = Number(args.get('rounds') ?? 300);
const role = args.get('role') ?? 'analyst';
const seconds = Number(args.get('seconds') ?? 10);
const QUERIES = {
  customers: { subgraph: 'customers', query: 'query Customers { customers(first: 100) { edges { node { id customerKey name nameKana email phone address birthDate prefecture } } } }' },
  dashboard: { subgraph: 'feedback', query: 'query Dashboard { feedbacks(first: 100) { edges { node { id channel body receivedAt } } } }' },
  // What the gateway sends for the dashboard's customers: 100 references, four personal fields.
  // The dashboard through the gateway (the profile then holds the gateway and both subgraphs).
  gateway: { subgraph: 'gateway', query: 'query Dashboard { feedbacks(first: 100) { edges { node { id channel body receivedAt customer { id name email phone address } } } } }' },
  entities: { subgraph: 'customers', query: 'query E($representations: [_Any!]!) { _entities(representations: $representations) { ... on Customer { name email phone address } } }' },
} as const;
const chosen = QUERIES[(args.get('query') ?? 'customers') as keyof typeof QUERIES];

async function main(): Promise<void> {
  const db = await openBenchDb({ customers: 10_000, feedback: 100_000 }, (l) => console.error(l));
  const policy = await loadPolicy(cliPolicyDir());
  const platform = await startBenchPlatform(db, { policy: policy });
  const url = chosen.subgraph === 'gateway' ? platform.gatewayUrl : platform.subgraphUrls[chosen.subgraph];
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${await issueToken(secret, `p-${role}`)}` };
  const ids = (await db.orm.em.getConnection().execute<Array<{ id: string }>>('select id from customer order by id limit 100')).map((r) => r.id);
  const body = JSON.stringify({ query: chosen.query, variables: { representations: ids.map((id) => ({ __typename: 'Customer', id })) } });
  const run = async () => {
    const res = await fetch(url, { method: 'POST', headers, body });
    const text = await res.text();
    if (res.status !== 200 || text.includes('"errors"')) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
  };
  const [plain] = await interleave([{ name: `${chosen.subgraph} subgraph, ${role}`, run }], { warmup: 50, rounds });
  const s = stats(plain!);
  console.log(`${s.name}: median ${s.median.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, mean ${s.mean.toFixed(2)} ms (n ${s.n}, profiler off)`);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const loaded = await load('profiled', url, body, { authorization: headers.authorization }, 1, seconds);
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
  // A .cpuprofile opens in Chrome DevTools or speedscope.
  if (args.get('save')) writeFileSync(args.get('save')!, JSON.stringify(profile));
  console.log(`under autocannon c=1 for ${seconds} s: ${loaded.requests} requests, mean ${loaded.mean.toFixed(2)} ms, ${loaded.errors + loaded.non2xx} failed`);
  console.log(selfTime(profile, 40));
  console.log(inclusiveTime(profile));
  console.log(byKoeCaller(profile));
  await platform.stop();
  await db.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
