/**
 * The page SQL alone, every column against the columns the operation uses (src/resolvers/selected-columns.ts):
 * the statements Koe's reads send for the dashboard benchmark's customers page (an analyst asking
 * nine fields) and feedback page, built by the same query builder, run alternately on one connection.
 * Reports the median wall time per statement and the median execution time EXPLAIN ANALYZE gives.
 *
 *   npm run bench -- page-columns [--runs 300] [--scale 0.1]
 */
import 'reflect-metadata';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CustomerEntity, FeedbackEntity } from '../src/data/entities/index.js';
import { openBenchDb } from './support/bench-db.js';

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])));
const runs = Number(args.get('runs') ?? 300);
const scale = Number(args.get('scale') ?? 0.1);

/** What the customers page selects for `id customerKey name nameKana email phone address birthDate prefecture` (+ the sort key). */
const CUSTOMER_PROPS = ['id', 'createdAt', 'customerKey', 'name', 'nameKana', 'email', 'phone', 'address', 'birthDate', 'prefecture'];
/** What the dashboard's feedback page selects for `id channel body receivedAt customer { id }`. */
const FEEDBACK_PROPS = ['id', 'customer', 'receivedAt', 'channel', 'body'];

/**
 * Every stored column, no formula: what a read selected before for a caller whose rules test no
 * virtual attribute (`*` would add the formulas' subqueries, which reads already left out).
 */
function stored(em: EntityManager, entity: typeof CustomerEntity | typeof FeedbackEntity): string[] {
  return em.getMetadata().get(entity.name).props.filter((p) => !p.formula && p.persist !== false && (p.kind === 'scalar' || p.kind === 'm:1')).map((p) => p.name);
}

function statement(em: EntityManager, entity: typeof CustomerEntity | typeof FeedbackEntity, order: string, props: readonly string[]): string {
  return em
    .createQueryBuilder(entity, 'e0')
    .select(props as never)
    .orderBy([{ [order]: 'asc nulls last' }, { id: 'asc' }] as never)
    .limit(101)
    .getFormattedQuery();
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** `Limit > Index Scan (customer_created_at_id_index)`: enough to see whether the two plans differ. */
function shape(node: PlanNode): string {
  const here = node['Index Name'] ? `${node['Node Type']} (${node['Index Name']})` : node['Node Type'];
  return node.Plans?.length ? `${here} > ${node.Plans.map(shape).join(', ')}` : here;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const log = (l: string) => console.error(l);
  const db = await openBenchDb({ customers: 10_000 * scale, feedback: 100_000 * scale }, log);
  try {
    const em = db.orm.em.fork();
    const conn = em.getConnection();
    const pairs = [
      { name: 'customers page', all: statement(em, CustomerEntity, 'createdAt', stored(em, CustomerEntity)), used: statement(em, CustomerEntity, 'createdAt', CUSTOMER_PROPS) },
      { name: 'feedback page', all: statement(em, FeedbackEntity, 'receivedAt', stored(em, FeedbackEntity)), used: statement(em, FeedbackEntity, 'receivedAt', FEEDBACK_PROPS) },
    ];
    for (const p of pairs) {
      const wall = { all: [] as number[], used: [] as number[] };
      const exec = { all: [] as number[], used: [] as number[] };
      const bytes = { all: 0, used: 0 };
      const plans = { all: '', used: '' };
      for (let i = 0; i < runs; i++) {
        for (const which of i % 2 ? (['used', 'all'] as const) : (['all', 'used'] as const)) {
          const t0 = performance.now();
          const rows = (await conn.execute(p[which])) as unknown[];
          wall[which].push(performance.now() - t0);
          bytes[which] = Buffer.byteLength(JSON.stringify(rows));
          const plan = (await conn.execute(`explain (analyze, format json) ${p[which]}`)) as Array<{ 'QUERY PLAN': Array<{ 'Execution Time': number; Plan: PlanNode }> }>;
          exec[which].push(plan[0]!['QUERY PLAN'][0]!['Execution Time']);
          plans[which] = shape(plan[0]!['QUERY PLAN'][0]!.Plan);
        }
      }
      const f = (n: number) => n.toFixed(3);
      console.log(`${p.name}, ${runs} runs each, alternating:`);
      console.log(`  every column: median ${f(median(wall.all))} ms wall, ${f(median(exec.all))} ms executing, ${bytes.all} bytes of rows as JSON; plan ${plans.all}`);
      console.log(`  used columns: median ${f(median(wall.used))} ms wall, ${f(median(exec.used))} ms executing, ${bytes.used} bytes of rows as JSON; plan ${plans.used}`);
      console.log(`  every / used: ${(median(wall.all) / median(wall.used)).toFixed(2)}x wall, ${(median(exec.all) / median(exec.used)).toFixed(2)}x executing`);
      console.log(`  ${p.used}`);
    }
  } finally {
    await db.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
