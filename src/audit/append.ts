/**
 * Appends events to the one hash chain. The append is serialised in the database (a transaction-
 * scoped advisory lock), so any number of server instances extend the same chain without forks.
 * The caller awaits it before its response leaves: if the append fails, so does the request.
 *
 * One statement, one round trip: `koe_audit_append_canonical` (migrations/Migration20261208100000_AuditAppendCanonical.ts)
 * locks, reads the head, assigns seq and prevHash and hashes in the database, from the canonical
 * body computed here (`eventHashParts`), and reads the row's columns from that same body: an event
 * is encoded once (`prepareAuditRow`), and a prepared row travels as text from a subgraph to the
 * gateway and into the statement without being decoded again (src/audit/handoff.ts). Given an entity manager inside a transaction, the append
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

const APPEND_SQL = 'select chain_seq::text as chain_seq, chain_prev_hash, chain_hash from koe_audit_append_canonical($1::jsonb)';
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

/**
 * An event ready for the chain: its row id and its canonical body around the seq, as the append
 * statement takes them. `event` is the fitted event when it was prepared here; null for one handed
 * over as text (src/audit/handoff.ts), which `eventOfPrepared` decodes when someone needs it.
 */
export interface PreparedAuditRow {
  readonly id: string;
  readonly prefix: string;
  readonly suffix: string;
  readonly event: NewAuditEvent | null;
}

/** A prepared row and where the chain put it. */
export interface AppendedRow {
  row: PreparedAuditRow;
  seq: string;
  prevHash: string;
  hash: string;
}

/** Fits the event to its columns (the hash covers what is stored), gives it an id, encodes it once. */
export function prepareAuditRow(event: NewAuditEvent): PreparedAuditRow {
  const fitted = fitAuditEvent(event);
  return { id: randomUUID(), ...eventHashParts(fitted), event: fitted };
}

/** The event a prepared row holds; one handed over as text is decoded from its body (any seq: it is not part of the event). */
export function eventOfPrepared(row: PreparedAuditRow): NewAuditEvent {
  if (row.event) return row.event;
  const e = JSON.parse(`${row.prefix}"0"${row.suffix}`) as Record<string, unknown>;
  delete e.seq;
  return { ...(e as unknown as NewAuditEvent), at: new Date(e.at as string) };
}

/** The append's one parameter: `[{ id, prefix, suffix }, …]` as JSON text. */
export function batchParameter(rows: readonly PreparedAuditRow[]): string {
  return `[${rows.map((r) => `{"id":${JSON.stringify(r.id)},"prefix":${JSON.stringify(r.prefix)},"suffix":${JSON.stringify(r.suffix)}}`).join(',')}]`;
}

export async function appendPreparedRows(em: EntityManager, rows: readonly PreparedAuditRow[], opts: AppendOptions = {}): Promise<AppendedRow[]> {
  if (rows.length === 0) return [];
  const positions = await run(em, opts.durable === false, batchParameter(rows));
  if (positions.length !== rows.length) throw new Error(`audit append returned ${positions.length} positions for ${rows.length} events`);
  return rows.map((row, i) => {
    const at = positions[i]!;
    return { row, seq: at.chain_seq, prevHash: at.chain_prev_hash, hash: at.chain_hash };
  });
}

/** The chained event of an appended row (decoding a handed-over one). */
export function chainedEvent(a: AppendedRow): ChainedAuditEvent {
  return { ...eventOfPrepared(a.row), id: a.row.id, seq: a.seq, prevHash: a.prevHash, hash: a.hash };
}

export async function appendAuditEvents(em: EntityManager, events: readonly NewAuditEvent[], opts: AppendOptions = {}): Promise<ChainedAuditEvent[]> {
  return (await appendPreparedRows(em, events.map(prepareAuditRow), opts)).map(chainedEvent);
}
