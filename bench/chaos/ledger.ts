/**
 * What the database says about a scenario's requests, read straight from PostgreSQL after it has
 * recovered: the audit events of each request id, and the rows the mutations left (each carries its
 * request id in a plain column). From these and the clients' outcomes come the table's columns.
 */
import pg from 'pg';
import type { Op, Outcome } from './load.js';

export interface Tally {
  responses: number;
  withData: number;
  /** responses with data whose subgraph event (the subgraph owning the root field) is in audit_event */
  withAllEvents: number;
  /** mutation rows in the database with no event of their subgraph for their request id (must be 0) */
  unauditedWrites: number;
  /** mutations answered with an error whose row is in the database anyway (must be 0) */
  failedWritesLeftChange: number;
  /** mutations that got no answer at all (connection cut, timeout) and whose row is in the database */
  unansweredWritesCommitted: number;
  /** mutations whose row committed */
  writesCommitted: number;
}

/** The subgraph whose event must exist for a root field (a gateway edge event, where one is written, is extra). */
const OWNER: Record<string, string> = { customers: 'customers', feedbacks: 'feedback', submitFeedback: 'feedback', upsertCustomer: 'customers', recordConsent: 'customers' };
const OP_ROOT: Record<Exclude<Op, 'read'>, string> = { submitFeedback: 'submitFeedback', upsertCustomer: 'upsertCustomer', recordConsent: 'recordConsent' };

export async function tally(dbUrl: string, prefix: string, outcomes: Outcome[]): Promise<Tally> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const like = `${prefix}-%`;
    const events = new Map<string, Set<string>>();
    const ev = await client.query<{ request_id: string; subgraph: string | null }>('select request_id, subgraph from audit_event where request_id like $1', [like]);
    for (const r of ev.rows) {
      let s = events.get(r.request_id);
      if (!s) events.set(r.request_id, (s = new Set()));
      s.add(r.subgraph ?? 'gateway');
    }
    const rows = await client.query<{ rid: string; op: Exclude<Op, 'read'> }>(
      `select t as rid, 'submitFeedback' as op from feedback, unnest(tags) t where t like $1
       union all select segment, 'upsertCustomer' from customer where segment like $1
       union all select source, 'recordConsent' from consent where source like $1`,
      [like],
    );
    const written = new Map(rows.rows.map((r) => [r.rid, r.op]));
    const byId = new Map(outcomes.map((o) => [o.requestId, o]));

    let withAllEvents = 0;
    for (const o of outcomes) {
      if (!o.withData) continue;
      if (events.get(o.requestId)?.has(OWNER[o.root] ?? '?')) withAllEvents++;
    }
    let unauditedWrites = 0;
    let failedWritesLeftChange = 0;
    let unansweredWritesCommitted = 0;
    for (const [rid, op] of written) {
      if (!events.get(rid)?.has(OWNER[OP_ROOT[op]]!)) unauditedWrites++;
      const o = byId.get(rid);
      if (!o) continue;
      if (o.status === 0) unansweredWritesCommitted++;
      else if (!o.withData) failedWritesLeftChange++;
    }
    return {
      responses: outcomes.filter((o) => o.status !== 0).length,
      withData: outcomes.filter((o) => o.withData).length,
      withAllEvents,
      unauditedWrites,
      failedWritesLeftChange,
      unansweredWritesCommitted,
      writesCommitted: written.size,
    };
  } finally {
    await client.end();
  }
}
