/** The recorded field decisions of the last days, a keyset batch at a time, for PolicyImpactReplay. */
import type { Sql } from '../chain-reader.js';
import type { ImpactEvent } from './policy-impact.js';
import type { TeamChange } from './team-timeline.js';

interface Row {
  seq: string;
  actor_id: string | null;
  roles: string[] | null;
  purpose: string | null;
  fields: ImpactEvent['fields'] | string;
  operation_name: string | null;
  operation_hash: string | null;
}

/** The seq just before the window's first event: keysets then walk only the window. */
async function windowStart(sql: Sql, since: Date): Promise<string> {
  const [start] = await sql<{ seq: string | null }>('select (min(seq) - 1)::text as seq from audit_event where at >= ?', [since]);
  return start?.seq ?? '0';
}

export async function* decisionBatches(sql: Sql, since: Date, batchSize = 5000): AsyncGenerator<ImpactEvent[]> {
  let after = await windowStart(sql, since);
  for (;;) {
    const rows = await sql<Row>(
      `select seq::text as seq, actor_id, roles, purpose, fields, operation_name, operation_hash
         from audit_event where seq > ? and at >= ? and jsonb_array_length(fields) > 0 order by seq limit ${batchSize}`,
      [after, since],
    );
    if (rows.length === 0) return;
    yield rows.map((r) => ({
      seq: r.seq,
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

/**
 * Every team change recorded in the window, oldest first: `access.setPrincipalTeam` (the one access
 * change that moves a principal, src/auth/access-change.ts) whose detail's `before` and `after`
 * differ in `teamId`. The action and seq are indexed together, so this reads only the moves.
 * Changes before the window cannot tell the team at any event in it, so they are not read.
 */
export async function teamChanges(sql: Sql, since: Date): Promise<TeamChange[]> {
  const rows = await sql<{ seq: string; principal_id: string; before: string | null }>(
    `select seq::text as seq, detail->>'principalId' as principal_id, detail->'before'->>'teamId' as before
       from audit_event
      where action = 'access.setPrincipalTeam' and seq > ? and detail->>'principalId' is not null
        and detail->'before'->'teamId' is not null and detail->'after'->'teamId' is not null
        and detail->'before'->'teamId' is distinct from detail->'after'->'teamId'
      order by seq`,
    [await windowStart(sql, since)],
  );
  return rows.map((r) => ({ principalId: r.principal_id, seq: r.seq, before: r.before }));
}

/** Team (now) and attributes of every principal, for the replay's row conditions. */
export async function principalAttributes(sql: Sql): Promise<Map<string, { teamId: string | null; attributes: Record<string, unknown> }>> {
  const rows = await sql<{ id: string; team_id: string | null; attributes: Record<string, unknown> | string | null }>('select id, team_id, attributes from principal');
  return new Map(rows.map((r) => [r.id, { teamId: r.team_id, attributes: (typeof r.attributes === 'string' ? JSON.parse(r.attributes) : r.attributes) ?? {} }]));
}
