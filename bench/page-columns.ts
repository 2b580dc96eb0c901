/**
 * The page SQL alone, every column against the columns the operation uses (src/resolvers/selected-columns.ts):
 * the statements Koe's reads send for the dashboard benchmark's customers page (an analyst asking
 * nine fields) and feedback page, the consents and purchases of those 101 customers (one loader
 * batch each), and the console's audit page; built by the same query builder, run alternately on
 * one connection. Reports the median wall time per statement and the median execution time
 * EXPLAIN ANALYZE gives. The audit trail is written first by real requests to a platform on the
 * bench database (`--events`, each a customers or feedback page with its exposure map).
 *
 *   npm run bench -- page-columns [--runs 300] [--scale 0.1] [--events 200]
 */
import 'reflect-metadata';
import { loadavg } from 'node:os';
import type { EntityManager } from '@mikro-orm/postgresql';
import { issueToken } from '../src/auth/jwt.js';
import { cliPolicyDir } from '../src/cli/runtime.js';
import { AuditEventEntity, ConsentEntity, CustomerEntity, FeedbackEntity, PurchaseEntity } from '../src/data/entities/index.js';
import { loadPolicy } from '../src/server/policy.js';
import { openBenchDb, type BenchDb } from './support/bench-db.js';
import { BENCH_JWT_SECRET, startBenchPlatform } from './support/platform.js';

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1] ?? '']] : [])));
const runs = Number(args.get('runs') ?? 300);
const scale = Number(args.get('scale') ?? 0.1);
const events = Number(args.get('events') ?? 200);

/** What the customers page selects for `id customerKey name nameKana email phone address birthDate prefecture` (+ the sort key). */
const CUSTOMER_PROPS = ['id', 'createdAt', 'customerKey', 'name', 'nameKana', 'email', 'phone', 'address', 'birthDate', 'prefecture'];
/** What the dashboard's feedback page selects for `id channel body receivedAt customer { id }`. */
const FEEDBACK_PROPS = ['id', 'customer', 'receivedAt', 'channel', 'body'];
/** `consents { purpose grantedAt }` (key and customer always; the order column stays in ORDER BY). */
const CONSENT_PROPS = ['id', 'customer', 'purpose', 'grantedAt'];
/** `purchases { orderedAt category amount }`: not the encrypted product name and store. */
const PURCHASE_PROPS = ['id', 'customer', 'orderedAt', 'category', 'amount'];
/** The console's audit page: `seq at actorId claimedActorId action outcome resources fields { … } requestId`. */
const AUDIT_CONSOLE_PROPS = ['id', 'seq', 'at', 'actorId', 'claimedActorId', 'action', 'outcome', 'resources', 'fields', 'requestId'];
/** A list of events without what they touched: `seq at actorId action outcome`. */
const AUDIT_LIST_PROPS = ['id', 'seq', 'at', 'actorId', 'action', 'outcome'];

/**
 * Every stored column, no formula: what a read selected before for a caller whose rules test no
 * virtual attribute (`*` would add the formulas' subqueries, which reads already left out).
 */
type Entity = typeof CustomerEntity | typeof FeedbackEntity | typeof ConsentEntity | typeof PurchaseEntity | typeof AuditEventEntity;

function stored(em: EntityManager, entity: Entity): string[] {
  return em.getMetadata().get(entity.name).props.filter((p) => !p.formula && p.persist !== false && (p.kind === 'scalar' || p.kind === 'm:1')).map((p) => p.name);
}

interface Read {
  where?: object;
  orderBy: object[];
  limit?: number;
}

function statement(em: EntityManager, entity: Entity, read: Read, props: readonly string[]): string {
  const qb = em
    .createQueryBuilder(entity, 'e0')
    .select(props as never)
    .where((read.where ?? {}) as never)
    .orderBy(read.orderBy as never);
  if (read.limit !== undefined) qb.limit(read.limit);
  return qb.getFormattedQuery();
}

const page = (order: string): Read => ({ orderBy: [{ [order]: 'asc nulls last' }, { id: 'asc' }], limit: 101 });

/** The audit trail as Koe writes it: `events` customers (admin, 100 rows) and feedback (analyst, 50 rows) pages on the customers and feedback subgraphs. */
async function writeAuditTrail(db: BenchDb, log: (l: string) => void): Promise<void> {
  const platform = await startBenchPlatform(db, { policy: await loadPolicy(cliPolicyDir()) });
  try {
    const as = async (who: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${await issueToken(BENCH_JWT_SECRET, who)}` });
    const kinds = [
      { url: platform.subgraphUrls.customers, headers: await as('p-admin'), query: '{ customers(first: 100) { edges { node { id name email phone prefecture } } } }' },
      { url: platform.subgraphUrls.feedback, headers: await as('p-analyst'), query: '{ feedbacks(first: 50) { edges { node { id body rating customer { id } } } } }' },
    ];
    const t0 = performance.now();
    for (let i = 0; i < events; i++) {
      const k = kinds[i % kinds.length]!;
      const res = await fetch(k.url, { method: 'POST', headers: k.headers, body: JSON.stringify({ query: k.query }) });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
      await res.arrayBuffer();
    }
    log(`wrote ${events} audited requests in ${Math.round(performance.now() - t0)} ms`);
  } finally {
    await platform.stop();
  }
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
    await writeAuditTrail(db, log);
    const em = db.orm.em.fork();
    const conn = em.getConnection();
    await conn.execute('analyze audit_event');
    // The customers of the customers page: one loader batch of their consents, one of their purchases.
    const ids = (await em.find(CustomerEntity, {}, { fields: ['id'], orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], limit: 101 })).map((c) => c.id);
    const owned = (order: string, dir: 'asc' | 'desc'): Read => ({ where: { customer: { $in: ids } }, orderBy: [{ [order]: dir }, { id: 'asc' }] });
    const audit: Read = { orderBy: [{ seq: 'desc' }], limit: 26 };
    const pair = (name: string, entity: Entity, read: Read, used: readonly string[]) => ({ name, all: statement(em, entity, read, stored(em, entity)), used: statement(em, entity, read, used) });
    const pairs = [
      pair('customers page', CustomerEntity, page('createdAt'), CUSTOMER_PROPS),
      pair('feedback page', FeedbackEntity, page('receivedAt'), FEEDBACK_PROPS),
      pair("consents of the page's 101 customers", ConsentEntity, owned('grantedAt', 'asc'), CONSENT_PROPS),
      pair("purchases of the page's 101 customers", PurchaseEntity, owned('orderedAt', 'desc'), PURCHASE_PROPS),
      pair("the console's audit page (25 + 1 events)", AuditEventEntity, audit, AUDIT_CONSOLE_PROPS),
      pair('an audit list without resources and fields (25 + 1 events)', AuditEventEntity, audit, AUDIT_LIST_PROPS),
    ];
    for (const p of pairs) {
      const wall = { all: [] as number[], used: [] as number[] };
      const exec = { all: [] as number[], used: [] as number[] };
      const bytes = { all: 0, used: 0 };
      let count = 0;
      const plans = { all: '', used: '' };
      for (let i = 0; i < runs; i++) {
        for (const which of i % 2 ? (['used', 'all'] as const) : (['all', 'used'] as const)) {
          const t0 = performance.now();
          const rows = (await conn.execute(p[which])) as unknown[];
          wall[which].push(performance.now() - t0);
          bytes[which] = Buffer.byteLength(JSON.stringify(rows));
          count = rows.length;
          const plan = (await conn.execute(`explain (analyze, format json) ${p[which]}`)) as Array<{ 'QUERY PLAN': Array<{ 'Execution Time': number; Plan: PlanNode }> }>;
          exec[which].push(plan[0]!['QUERY PLAN'][0]!['Execution Time']);
          plans[which] = shape(plan[0]!['QUERY PLAN'][0]!.Plan);
        }
      }
      const f = (n: number) => n.toFixed(3);
      console.log(`${p.name}: ${count} rows, ${runs} runs each, alternating (load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}):`);
      console.log(`  every column: median ${f(median(wall.all))} ms wall, ${f(median(exec.all))} ms executing, ${bytes.all} bytes of rows as JSON; plan ${plans.all}`);
      console.log(`  used columns: median ${f(median(wall.used))} ms wall, ${f(median(exec.used))} ms executing, ${bytes.used} bytes of rows as JSON; plan ${plans.used}`);
      console.log(`  every / used: ${(median(wall.all) / median(wall.used)).toFixed(2)}x wall, ${(median(exec.all) / median(exec.used)).toFixed(2)}x executing`);
      // The consents' and purchases' 101 customer ids, left out of the printed statement.
      console.log(`  ${p.used.replace(/ in \('[^)]*\)/, ' in (…)')}`);
    }
  } finally {
    await db.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
