/**
 * Appends events to the one hash chain. The append is serialised in the database (a transaction-
 * scoped advisory lock), so any number of server instances extend the same chain without forks.
 * The caller awaits it before its response leaves: if the append fails, so does the request.
 *
 * One statement, one round trip: `koe_audit_append` (migrations/Migration20261128194000_AuditAppendFn.ts)
 * locks, reads the head, assigns seq and prevHash and hashes in the database, from the canonical
 * body computed here (`eventHashParts`). Given an entity manager inside a transaction, the append
 * joins it: the events commit or roll back with the change they record, and the chain lock is held
 * until that transaction ends (keep it short). Otherwise the statement commits on its own.
 *
 * `durable: false` commits without waiting for the WAL flush (`SET LOCAL synchronous_commit = off`,
 * as `set_config(…, true)` in the same statement, so still one round trip): only for a read's event
 * whose request ends with a synchronous commit of its own, the gateway's edge event. PostgreSQL
 * flushes WAL in order, so that commit makes this one durable too (src/audit/edge-event.ts).
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { eventHashParts } from './canonical.js';
import { fitAuditEvent } from './fit-event.js';
import type { ChainedAuditEvent, NewAuditEvent } from './event.js';

/** An arbitrary constant naming "the audit chain" among Postgres advisory locks. */
export const AUDIT_CHAIN_LOCK = 0x4b6f6541; // "KoeA"

interface ChainPosition {
  chain_seq: string;
  chain_prev_hash: string;
  chain_hash: string;
}

export interface AppendOptions {
  /** Wait for the commit to be flushed (default). False applies to the whole transaction the append runs in. */
  durable?: boolean;
}

const APPEND_SQL = 'select chain_seq::text as chain_seq, chain_prev_hash, chain_hash from koe_audit_append($1::jsonb)';
const APPEND_DEFERRED_SQL = `${APPEND_SQL} where set_config('synchronous_commit', 'off', true) is not null`;

/** The pg client a knex pool hands out: the one call used here. */
interface PgConnection {
  query(text: string, values: unknown[]): Promise<{ rows: ChainPosition[] }>;
}
interface KnexPool {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<unknown>;
}

/**
 * The statement with the batch as one bound parameter (never inlined: kilobytes per event in the
 * SQL text cost more than the append). Inside a transaction, through it; otherwise straight on a
 * pooled connection: knex's query runner and MikroORM's wrapper cost about a tenth of a
 * millisecond of CPU per append, on every request and every hop.
 */
async function run(em: EntityManager, deferred: boolean, batch: string): Promise<ChainPosition[]> {
  const sql = deferred ? APPEND_DEFERRED_SQL : APPEND_SQL;
  const trx = em.getTransactionContext<Knex.Transaction>();
  if (trx) return (await trx.raw<{ rows: ChainPosition[] }>(sql.replace('$1', '?'), [batch])).rows;
  // The pool's own acquire and release: its timeouts, validation and disposal of broken connections apply.
  const pool = em.getConnection().getKnex().client as unknown as KnexPool;
  const connection = await pool.acquireConnection();
  try {
    return (await connection.query(sql, [batch])).rows;
  } finally {
    await pool.releaseConnection(connection);
  }
}

export async function appendAuditEvents(em: EntityManager, events: readonly NewAuditEvent[], opts: AppendOptions = {}): Promise<ChainedAuditEvent[]> {
  if (events.length === 0) return [];
  const fitted = events.map(fitAuditEvent);
  const ids = fitted.map(() => randomUUID());
  // Named as the table's columns: the function reads them with jsonb_populate_record.
  const rows = fitted.map((e, i) => ({
    ...eventHashParts(e),
    id: ids[i], at: e.at, actor_id: e.actorId, roles: e.roles, action: e.action, outcome: e.outcome, operation_name: e.operationName,
    operation_hash: e.operationHash, purpose: e.purpose, subgraph: e.subgraph, resources: e.resources, fields: e.fields,
    policy_version: e.policyVersion, request_id: e.requestId, client_address: e.clientAddress, detail: e.detail ?? null,
  }));
  const positions = await run(em, opts.durable === false, JSON.stringify(rows));
  if (positions.length !== events.length) throw new Error(`audit append returned ${positions.length} positions for ${events.length} events`);
  return fitted.map((event, i) => {
    const at = positions[i]!;
    return { ...event, id: ids[i]!, seq: at.chain_seq, prevHash: at.chain_prev_hash, hash: at.chain_hash };
  });
}
