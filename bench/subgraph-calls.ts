/**
 * The gateway calling the subgraphs of its own process without a socket (src/server/local-call.ts)
 * against over HTTP on their ports: the dashboard query (100 feedback rows, then their customers
 * through `_entities`) as analyst, sequential requests interleaved, both platforms in this process.
 * Prints median wall time and median CPU time of this process per request (the servers' CPU and the
 * client's, the same client for both): CPU moves far less than wall time with other jobs' load.
 * Answers must be byte-identical between the two.
 *
 *   npm run bench -- subgraph-calls [--rounds 300] [--scale 0.1]
 */
import 'reflect-metadata';
import { issueToken } from '../src/auth/jwt.js';
import { cliPolicyDir } from '../src/cli/runtime.js';
import { loadPolicy } from '../src/server/policy.js';
import { openBenchDb } from './support/bench-db.js';
import { interleave, stats, table } from './support/measure.js';
import { BENCH_JWT_SECRET as secret, startBenchPlatform } from './support/platform.js';

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])));
const rounds = Number(args.get('rounds') ?? 300);
const scale = Number(args.get('scale') ?? 0.1);
const DASHBOARD = 'query Dashboard { feedbacks(first: 100) { edges { node { id channel body receivedAt customer { id name email phone address } } } } }';

async function main(): Promise<void> {
  const db = await openBenchDb({ customers: 10_000 * scale, feedback: 100_000 * scale }, (l) => console.error(l));
  const policy = await loadPolicy(cliPolicyDir());
  const local = await startBenchPlatform(db, { policy });
  const wire = await startBenchPlatform(db, { policy, subgraphCalls: 'http' });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${await issueToken(secret, 'p-analyst')}` };
  const body = JSON.stringify({ query: DASHBOARD });
  try {
    const answers = new Map<string, string>();
    const run = (name: string, url: string) => async () => {
      const res = await fetch(url, { method: 'POST', headers, body });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status} ${text.slice(0, 300)}`);
      const seen = answers.get(name);
      if (seen === undefined) answers.set(name, text);
      else if (seen !== text) throw new Error(`${name}: the answer changed between requests`);
    };
    const samples = await interleave([
      { name: 'gateway, subgraphs in-process', run: run('in-process', local.gatewayUrl) },
      { name: 'gateway, subgraphs over HTTP', run: run('http', wire.gatewayUrl) },
    ], { warmup: 30, rounds });
    if (answers.get('in-process') !== answers.get('http')) throw new Error('the two ways answered differently');
    console.log(`dashboard through the gateway, ${rounds} rounds each, answers identical (${answers.get('http')!.length} bytes)`);
    console.log(table(samples.map(stats), 'gateway, subgraphs over HTTP'));
  } finally {
    await Promise.allSettled([local.stop(), wire.stop()]);
    await db.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
