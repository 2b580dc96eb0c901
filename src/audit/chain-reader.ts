/**
 * Reads the chain in sequence order, one batch at a time with a keyset cursor (`seq > last`), so
 * verify and export hold one batch in memory however long the trail is.
 */
import type { ChainedAuditEvent } from './event.js';
import type { Checkpoint } from './checkpoint.js';

/** Runs SQL with `?` placeholders (MikroORM's `em.getConnection().execute`). */
export type Sql = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

export interface ReadOptions {
  afterSeq?: string;
  batchSize?: number;
  since?: Date;
  until?: Date;
}

const COLUMNS = `id, seq::text as seq, at, actor_id, roles, action, outcome, operation_name, operation_hash, purpose,
  subgraph, resources, fields, policy_version, request_id, client_address, detail, prev_hash, hash`;

type Row = Record<string, unknown>;

export function eventOfRow(r: Row): ChainedAuditEvent {
  return {
    id: r.id as string,
    seq: r.seq as string,
    at: r.at instanceof Date ? r.at : new Date(r.at as string),
    actorId: (r.actor_id as string | null) ?? null,
    roles: (r.roles as string[]) ?? [],
    action: r.action as string,
    outcome: r.outcome as string,
    operationName: (r.operation_name as string | null) ?? null,
    operationHash: (r.operation_hash as string | null) ?? null,
    purpose: (r.purpose as string | null) ?? null,
    subgraph: (r.subgraph as string | null) ?? null,
    resources: (r.resources as string[]) ?? [],
    fields: (typeof r.fields === 'string' ? JSON.parse(r.fields) : r.fields) as ChainedAuditEvent['fields'],
    policyVersion: r.policy_version as string,
    requestId: r.request_id as string,
    clientAddress: (r.client_address as string | null) ?? null,
    detail: (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as ChainedAuditEvent['detail'],
    prevHash: r.prev_hash as string,
    hash: r.hash as string,
  };
}

export async function* eventBatches(sql: Sql, opts: ReadOptions = {}): AsyncGenerator<ChainedAuditEvent[]> {
  const size = opts.batchSize ?? 1000;
  let after = opts.afterSeq ?? '0';
  for (;;) {
    const where = ['seq > ?'];
    const params: unknown[] = [after];
    if (opts.since) (where.push('at >= ?'), params.push(opts.since));
    if (opts.until) (where.push('at < ?'), params.push(opts.until));
    const rows = await sql<Row>(`select ${COLUMNS} from audit_event where ${where.join(' and ')} order by audit_event.seq limit ${size}`, params);
    if (rows.length === 0) return;
    const batch = rows.map(eventOfRow);
    yield batch;
    after = batch[batch.length - 1]!.seq;
    if (rows.length < size) return;
  }
}

/** Checkpoints with `from < seq <= to` (`to` omitted: to the end), in order. */
export async function checkpointsBetween(sql: Sql, from: string, to?: string): Promise<Checkpoint[]> {
  const rows = await sql<Row>(
    `select seq::text as seq, hash, at, key_id, signature from audit_checkpoint where seq > ?${to ? ' and seq <= ?' : ''} order by audit_checkpoint.seq`,
    to ? [from, to] : [from],
  );
  return rows.map((r) => ({ seq: r.seq as string, hash: r.hash as string, at: r.at as Date, keyId: r.key_id as string, signature: r.signature as string }));
}

export async function chainBounds(sql: Sql): Promise<{ first: string; last: string } | null> {
  const [r] = await sql<{ first: string | null; last: string | null }>('select min(seq)::text as first, max(seq)::text as last from audit_event');
  return r?.first && r.last ? { first: r.first, last: r.last } : null;
}
