/**
 * Reads from the audit trail what each principal did in the last N days: which personal fields it
 * got in PLAIN or MASKED form, which mutations it ran, how many requests it made. Three grouped
 * scans of the window (the `at` index), whatever the number of principals.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PrincipalUsage } from './unused-permissions.js';

interface Acc {
  fields: Map<string, Set<string>>;
  mutations: Set<string>;
  requests: number;
}

export async function permissionUsage(em: EntityManager, since: Date): Promise<Map<string, PrincipalUsage>> {
  const sql = <T>(q: string, p: unknown[]) => em.getConnection().execute<T[]>(q, p);
  const out = new Map<string, Acc>();
  const acc = (id: string) => {
    let a = out.get(id);
    if (!a) out.set(id, (a = { fields: new Map(), mutations: new Set(), requests: 0 }));
    return a;
  };
  const [fields, mutations, requests] = await Promise.all([
    sql<{ actor_id: string; field: string; decision: string }>(
      `select actor_id, f->>'field' as field, f->>'decision' as decision
         from audit_event, jsonb_array_elements(fields) f
        where at >= ? and actor_id is not null and f->>'decision' in ('PLAIN', 'MASKED') and (f->>'count')::int > 0
        group by 1, 2, 3`,
      [since],
    ),
    sql<{ actor_id: string; name: string }>(
      `select actor_id, m->>'name' as name
         from audit_event, jsonb_array_elements(case when jsonb_typeof(detail->'mutations') = 'array' then detail->'mutations' else '[]'::jsonb end) m
        where at >= ? and actor_id is not null and action = 'mutation' and outcome in ('ok', 'partial')
        group by 1, 2`,
      [since],
    ),
    sql<{ actor_id: string; n: string }>(`select actor_id, count(*)::text as n from audit_event where at >= ? and actor_id is not null group by 1`, [since]),
  ]);
  for (const r of fields) {
    const a = acc(r.actor_id);
    let d = a.fields.get(r.field);
    if (!d) a.fields.set(r.field, (d = new Set()));
    d.add(r.decision);
  }
  for (const r of mutations) acc(r.actor_id).mutations.add(r.name);
  for (const r of requests) acc(r.actor_id).requests = Number(r.n);
  return out;
}
