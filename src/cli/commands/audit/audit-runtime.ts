/** What the `koe audit` commands share: the database as plain SQL and the checkpoint key. */
import type { Sql } from '../../../audit/chain-reader.js';
import type { CheckpointKey } from '../../../audit/checkpoint.js';
import { openRuntime, type Runtime } from '../../runtime.js';

export interface AuditRuntime {
  rt: Runtime;
  sql: Sql;
  key: CheckpointKey;
}

export async function withAuditRuntime<T>(fn: (a: AuditRuntime) => Promise<T>): Promise<T> {
  const rt = await openRuntime((l) => console.error(l));
  try {
    const em = rt.orm.em.fork();
    const sql: Sql = (q, params = []) => em.getConnection().execute(q, params);
    return await fn({ rt, sql, key: rt.checkpointKey() });
  } finally {
    await rt.close();
  }
}
