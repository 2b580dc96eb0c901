/**
 * A bare `pg` pool seen through the sliver of MikroORM's EntityManager that Koe's audit append
 * (`appendAuditEvents`) and key loading (`FieldCrypto.loadKeys`) use: one statement, `?`
 * placeholders, no transaction. The contract floor reuses that code as it is, with no ORM under it.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';

/** `?` to `$1, $2, …`: the statements handed over contain no other question marks. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export function pgAsEntityManager(pool: pg.Pool): EntityManager {
  const run = (sql: string, params: readonly unknown[] = []) => pool.query(numbered(sql), [...params]);
  const connection = {
    execute: async (sql: string, params?: readonly unknown[]) => (await run(sql, params)).rows,
    getKnex: () => ({
      raw: (sql: string, params?: readonly unknown[]) => run(sql, params),
      // The knex pool's acquire and release, which the audit append uses outside a transaction.
      client: { acquireConnection: () => pool.connect(), releaseConnection: async (c: pg.PoolClient) => c.release() },
    }),
  };
  return { getTransactionContext: () => undefined, getConnection: () => connection } as unknown as EntityManager;
}
