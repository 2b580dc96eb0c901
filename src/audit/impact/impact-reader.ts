/** The recorded field decisions of the last days, a keyset batch at a time, for PolicyImpactReplay. */
import type { Sql } from '../chain-reader.js';
import type { ImpactEvent } from './policy-impact.js';

interface Row {
  seq: string;
  actor_id: string | null;
  roles: string[] | null;
  purpose: string | null;
  fields: ImpactEvent['fields'] | string;
  operation_name: string | null;
  operation_hash: string | null;
}

export async function* decisionBatches(sql: Sql, since: Date, batchSize = 5000): AsyncGenerator<ImpactEvent[]> {
  // Start at the window's first event: the keyset then walks only the window.
  const [start] = await sql<{ seq: string | null }>('select (min(seq) - 1)::text as seq from audit_event where at >= ?', [since]);
  let after = start?.seq ?? '0';
  for (;;) {
    const rows = await sql<Row>(
      `select seq::text as seq, actor_id, roles, purpose, fields, operation_name, operation_hash
         from audit_event where seq > ? and at >= ? and jsonb_array_length(fields) > 0 order by seq limit ${batchSize}`,
      [after, since],
    );
    if (rows.length === 0) return;
    yield rows.map((r) => ({
      actorId: r.actor_id,
      roles: r.roles ?? [],
      purpose: r.purpose,
      fields: typeof r.fields === 'string' ? (JSON.parse(r.fields) as ImpactEvent['fields']) : r.fields,
      operationName: r.operation_name,
      operationHash: r.operation_hash,
    }));
    after = rows[rows.length - 1]!.seq;
    if (rows.length < batchSize) return;
  }
}

/** How many events the window holds, for progress. */
export async function decisionCount(sql: Sql, since: Date): Promise<number> {
  const [r] = await sql<{ n: string }>('select count(*)::text as n from audit_event where at >= ?', [since]);
  return Number(r?.n ?? 0);
}

/** Team and attributes of every principal, for the replay's row conditions. */
export async function principalAttributes(sql: Sql): Promise<Map<string, { teamId: string | null; attributes: Record<string, unknown> }>> {
  const rows = await sql<{ id: string; team_id: string | null; attributes: Record<string, unknown> | string | null }>('select id, team_id, attributes from principal');
  return new Map(rows.map((r) => [r.id, { teamId: r.team_id, attributes: (typeof r.attributes === 'string' ? JSON.parse(r.attributes) : r.attributes) ?? {} }]));
}
