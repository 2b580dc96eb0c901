/**
 * What enforcement costs: the same 100-row customers-with-feedback query as `analyst`, through the
 * gateway and straight to the subgraph, with the policy on (field guard, masking, row SQL) and off
 * (unguarded schema, every row), all in one process and interleaved. Prints medians and ratios.
 *
 *   npm run bench -- policy-overhead [--rounds 300] [--scale 1]
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { issueToken } from '../src/auth/jwt.js';
import { loadPolicy } from '../src/server/policy.js';
import { openBenchDb } from './support/bench-db.js';
import { BENCH_JWT_SECRET as secret, startBenchPlatform } from './support/platform.js';
import { interleave, stats, table } from './support/measure.js';
import { noPolicy } from './support/no-policy.js';
import { cliPolicyDir } from '../src/cli/runtime.js';

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])));
const rounds = Number(args.get('rounds') ?? 300);
const scale = Number(args.get('scale') ?? 1);

const CUSTOMERS_WITH_FEEDBACK = `{
  customers(first: 100) { edges { node { id customerKey name nameKana email phone address birthDate prefecture
    feedback(first: 3) { edges { node { id receivedAt rating body } } } } } }
}`;
const CUSTOMERS_ONLY = `{ customers(first: 100) { edges { node { id customerKey name nameKana email phone address birthDate prefecture } } } }`;

async function main(): Promise<void> {
  const log = (l: string) => console.error(l);
  const db = await openBenchDb({ customers: 10_000 * scale, feedback: 100_000 * scale }, log);
  const policy = await loadPolicy(cliPolicyDir());
  // Rate limits off and no request log (startBenchPlatform): one principal far above 600 requests a minute.
  const on = await startBenchPlatform(db, { policy: policy });
  const off = await startBenchPlatform(db, { policy, accessFor: () => noPolicy(policy) }, { guard: false });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${await issueToken(secret, 'p-analyst')}` };
  const post = (url: string, query: string) => async () => {
    const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query }) });
    const json = (await res.json()) as { errors?: unknown[]; data?: { customers: { edges: unknown[] } } };
    if (json.errors || json.data?.customers.edges.length !== 100) throw new Error(`unexpected answer: ${JSON.stringify(json).slice(0, 300)}`);
  };
  try {
    const samples = await interleave(
      [
        { name: 'gateway, policy off', run: post(off.gatewayUrl, CUSTOMERS_WITH_FEEDBACK) },
        { name: 'gateway, policy on (analyst)', run: post(on.gatewayUrl, CUSTOMERS_WITH_FEEDBACK) },
        { name: 'subgraph, policy off', run: post(off.subgraphUrls.customers, CUSTOMERS_ONLY) },
        { name: 'subgraph, policy on (analyst)', run: post(on.subgraphUrls.customers, CUSTOMERS_ONLY) },
      ],
      { warmup: 30, rounds },
    );
    const rows = samples.map(stats);
    const gw = rows[1]!.median / rows[0]!.median;
    const sg = rows[3]!.median / rows[2]!.median;
    console.log(table(rows, 'gateway, policy off'));
    console.log(`\nenforcement overhead (median on / off): gateway ${gw.toFixed(3)}x, subgraph ${sg.toFixed(3)}x (target ≤ 1.10)`);
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
    const out = new URL(`./results/policy-overhead-${Date.now()}.json`, import.meta.url);
    writeFileSync(out, JSON.stringify({ rounds, scale, rows, ratios: { gateway: gw, subgraph: sg } }, null, 2));
    console.log(`written to ${out.pathname}`);
  } finally {
    await on.stop();
    await off.stop();
    await db.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
