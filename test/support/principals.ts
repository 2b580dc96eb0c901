/** Principals of a test's own, so its counters, grants and roles never meet another test file's. */
import type { MikroORM } from '../../src/data/orm.js';

/**
 * Inserts `id` as a copy of the demo principal `like` (an existing row, so every column the schema
 * has gets a valid value), optionally with other roles; rate-limit windows of `id` are cleared.
 * Never clone `p-admin`: the shared database must keep exactly one active admin.
 */
export async function clonePrincipal(orm: MikroORM, id: string, like = 'p-analyst', roles?: readonly string[]): Promise<string> {
  const knex = orm.em.getConnection().getKnex();
  const changed: Record<string, unknown> = { id };
  if (roles) {
    changed.roles = roles;
    changed.role_grants = roles.map((role) => ({ role, grantedBy: null, grantedAt: new Date().toISOString() }));
  }
  await knex.raw(
    `insert into principal select (jsonb_populate_record(null::principal, to_jsonb(p) || ?::jsonb)).*
     from principal p where p.id = ? on conflict (id) do nothing`,
    [JSON.stringify(changed), like],
  );
  await knex.raw('delete from rate_limit_window where principal_id = ?', [id]);
  return id;
}
