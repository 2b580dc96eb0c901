import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { prepareAuditRow, batchParameter } from '../src/audit/append.js';
import { eventHashParts } from '../src/audit/canonical.js';
import { fitAuditEvent } from '../src/audit/fit-event.js';
import type { NewAuditEvent } from '../src/audit/event.js';
import { openBenchDb } from './support/bench-db.js';
import { interleave, stats, table } from './support/measure.js';
const ev = (n: number, sg: string): NewAuditEvent => ({ at: new Date(), actorId: 'p-analyst', roles: ['analyst'], action: 'entities', outcome: 'ok', operationName: 'X', operationHash: 'a'.repeat(64), purpose: null, subgraph: sg, resources: Array.from({ length: n }, () => `Feedback:${randomUUID()}`).sort(), fields: [{ field: 'Feedback.body', decision: 'MASKED', count: n }], policyVersion: 'pv', requestId: randomUUID(), clientAddress: '127.0.0.1', detail: { commit: 'edge', exposure: [{ masked: ['Feedback.body'], records: Array.from({ length: n }, (_, i) => i) }] } });
const oldRow = (e0: NewAuditEvent) => { const e = fitAuditEvent(e0); return { ...eventHashParts(e), id: randomUUID(), at: e.at, actor_id: e.actorId, roles: e.roles, action: e.action, outcome: e.outcome, operation_name: e.operationName, operation_hash: e.operationHash, purpose: e.purpose, subgraph: e.subgraph, resources: e.resources, fields: e.fields, policy_version: e.policyVersion, request_id: e.requestId, client_address: e.clientAddress, detail: e.detail ?? null }; };
async function main() {
  const db = await openBenchDb({ customers: 10, feedback: 10 }, () => {});
  const pool = db.orm.em.getConnection().getKnex().client as any;
  const q = async (sql: string, p: string) => { const c = await pool.acquireConnection(); try { await c.query(sql, [p]); } finally { await pool.releaseConnection(c); } };
  const events = () => [ev(101, 'customers'), ev(232, 'feedback'), { ...ev(0, 'gateway'), detail: { calls: ['customers', 'feedback'] } }];
  const s = await interleave([
    { name: 'old fn, 3 events', run: () => q('select * from koe_audit_append($1::jsonb)', JSON.stringify(events().map(oldRow))) },
    { name: 'canonical fn, 3 events', run: () => q('select * from koe_audit_append_canonical($1::jsonb)', batchParameter(events().map(prepareAuditRow))) },
  ], { warmup: 30, rounds: Number(process.argv[2] ?? 300) });
  console.log(table(s.map(stats), 'old fn, 3 events'));
  await db.close();
}
main();
