/**
 * `npm run bench -- bi-sync [--feedback N] [--customers N]`: `koe bi sync` of the demo set as
 * bi_readonly, from empty and then after 1% of the feedback rows changed (rows/s; the second run
 * must write only the changed rows). The aggregate tables, recomputed whole by any run that changed
 * something, are timed apart: from the last table batch to the end of the aggregates batch.
 */
import { parseArgs } from 'node:util';
import { runBiSync } from '../src/server/bi-sync-runner.js';
import { loadPolicy, policyDir } from '../src/server/policy.js';
import { BENCH_PSEUDONYM_KEY, openBenchDb } from './support/bench-db.js';

const { values } = parseArgs({ options: { feedback: { type: 'string', default: '10000' }, customers: { type: 'string', default: '2000' } } });
const scale = { feedback: Number(values.feedback), customers: Number(values.customers) };
const db = await openBenchDb(scale, (l) => console.error(l));
try {
  const policy = await loadPolicy(policyDir(process.cwd(), null));
  const actor = { id: 'bench', roles: [], policyVersion: policy.version, via: 'cli' as const };
  const run = async (label: string) => {
    const t0 = performance.now();
    let tablesDone = t0;
    let aggregatesDone: number | null = null;
    const onProgress = (_d: number, _t: number, phase: string) => {
      if (phase === 'aggregates') aggregatesDone = performance.now();
      else tablesDone = performance.now();
    };
    const r = await runBiSync(db.orm.em.fork(), actor, { policy, crypto: db.crypto, maskContext: { pseudonymKey: BENCH_PSEUDONYM_KEY }, onProgress });
    const end = performance.now();
    const s = (end - t0) / 1000;
    const agg = aggregatesDone === null ? 0 : (aggregatesDone - tablesDone) / 1000;
    const tables = s - agg;
    console.log(
      `${label.padEnd(28)} ${String(r.rows).padStart(7)} rows written  ${String(r.changes).padStart(6)} changes  ${r.batches} batches  ${s.toFixed(2)} s` +
        `  tables ${tables.toFixed(2)} s (${Math.round(r.rows / Math.max(tables, 0.001))} rows/s)` +
        `  aggregates ${r.aggregateRows === null ? 'current' : `${r.aggregateRows} groups ${agg.toFixed(2)} s`}`,
    );
    return r;
  };
  console.log(`koe bi sync, bi_readonly, ${scale.customers} customers / ${scale.feedback} feedback`);
  await run('from empty (rebuild)');
  const changed = Math.max(1, Math.round(scale.feedback / 100));
  await db.orm.em.getConnection().execute(`update feedback set status = case status when 'RESOLVED' then 'OPEN' else 'RESOLVED' end where id in (select id from feedback order by id limit ${changed})`);
  const r = await run(`after ${changed} feedback changed`);
  if (r.rows !== changed) console.log(`!! the incremental run wrote ${r.rows} rows for ${changed} changed`);
  await run('nothing changed');
} finally {
  await db.close();
}
