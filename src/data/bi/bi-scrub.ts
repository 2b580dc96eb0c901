/**
 * Removes people from every BI schema inside the caller's transaction: erasure, lifecycle disposal
 * of contact details and a use restriction call it next to their own change, so no BI tool reads
 * the person after the change commits, and the change cannot commit without it. The next sync
 * leaves them out too (erased or restricted rows are not read), so they do not come back.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { BI_TABLES, CUSTOMER_KEY, sqlName } from './bi-tables.js';

/** Rows removed over all BI schemas; 0 when no BI schema exists (one cheap query). */
export async function biScrub(tx: EntityManager, customerIds: readonly string[]): Promise<number> {
  if (customerIds.length === 0) return 0;
  const schemas = await tx.execute<Array<{ schema_name: string }>>(
    `select s.schema_name from bi_sync_state s join pg_namespace n on n.nspname = s.schema_name`,
  );
  let removed = 0;
  const ids = `{${customerIds.join(',')}}`;
  for (const { schema_name } of schemas) {
    const schema = sqlName('schema', schema_name);
    for (const table of BI_TABLES) {
      const exists = await tx.execute<Array<{ t: string | null }>>(`select to_regclass(?) as t`, [`${schema}."${table.name}"`]);
      if (!exists[0]?.t) continue;
      const rows = await tx.execute<Array<{ n: number }>>(
        `with gone as (delete from ${schema}."${table.name}" where ${CUSTOMER_KEY} in (select customer_key from customer where id = any(?::uuid[])) returning 1) select count(*)::int as n from gone`,
        [ids],
      );
      removed += rows[0]?.n ?? 0;
    }
  }
  return removed;
}

/** What lifecycle disposal leaves of a row's text (as in the base table), per BI table. */
const DISPOSED: Record<'feedback' | 'purchases', Record<string, string>> = {
  feedback: { subject: 'null', body: `''`, note: 'null' },
  purchases: { product_name: `''`, store: `''` },
};

/**
 * Lifecycle disposal of feedback text or purchase details, in the disposal's transaction: the
 * same columns emptied in every BI schema (rows and their other columns stay, as in the base table).
 */
export async function biScrubDisposed(tx: EntityManager, table: 'feedback' | 'purchases', ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const schemas = await tx.execute<Array<{ schema_name: string }>>(`select s.schema_name from bi_sync_state s join pg_namespace n on n.nspname = s.schema_name`);
  for (const { schema_name } of schemas) {
    const present = await tx.execute<Array<{ column_name: string }>>(`select column_name from information_schema.columns where table_schema = ? and table_name = ?`, [schema_name, table]);
    const sets = present.map((c) => c.column_name).filter((c) => c in DISPOSED[table]).map((c) => `"${c}" = ${DISPOSED[table][c]}`);
    if (sets.length === 0) continue;
    await tx.execute(`update ${sqlName('schema', schema_name)}."${table}" set ${sets.join(', ')} where id = any(?::uuid[])`, [`{${ids.join(',')}}`]);
  }
}
