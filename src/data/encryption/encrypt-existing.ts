/**
 * The data half of the encryption migration: rows written before field encryption hold plaintext;
 * this seals them in batches (one short transaction each), so it can be stopped and run again at
 * any point. Idempotent: a sealed value is recognised by its prefix and left alone.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { FIELD_PREFIX } from '../../crypto/index.js';
import { ENCRYPTED_COLUMNS, NIL_OWNER, type EncryptedTable } from './encrypted-columns.js';
import type { FieldCrypto } from './field-crypto.js';

const BATCH = 500;

const OWNER: Record<EncryptedTable, string> = {
  customer: 'id',
  purchase: 'customer_id',
  feedback: 'customer_id',
};

const BIDX = { email: 'email_bidx', phone: 'phone_bidx', name: 'name_bidx' } as const;

export type EncryptProgress = (table: EncryptedTable, done: number) => void;

/** Returns how many rows were sealed per table (0 everywhere when there was nothing to do). */
export async function encryptExistingRows(em: EntityManager, crypto: FieldCrypto, onProgress?: EncryptProgress): Promise<Record<EncryptedTable, number>> {
  const counts = { customer: 0, purchase: 0, feedback: 0 };
  for (const table of Object.keys(ENCRYPTED_COLUMNS) as EncryptedTable[]) {
    const columns = Object.values(ENCRYPTED_COLUMNS[table]) as string[];
    const plain = columns.map((c) => `("${c}" is not null and "${c}" <> '' and left("${c}", ${FIELD_PREFIX.length}) <> '${FIELD_PREFIX}')`).join(' or ');
    let after = NIL_OWNER;
    for (;;) {
      const done = await em.fork().transactional(async (tx) => {
        const conn = tx; // tx.execute runs in this transaction (tx.getConnection().execute would not, and FOR UPDATE would lock nothing)
        const rows = await conn.execute<Array<Record<string, string | null>>>(
          `select id, ${OWNER[table]} as owner, ${columns.map((c) => `"${c}"`).join(', ')} from "${table}" where id > ? and (${plain}) order by id limit ${BATCH} for update`,
          [after],
        );
        if (rows.length === 0) return 0;
        const keys = await crypto.ensureKeys(tx, rows.map((r) => r.owner ?? NIL_OWNER));
        for (const r of rows) {
          // An owner whose key was shredded keeps nothing readable: plaintext left over is emptied.
          const key = keys.get(r.owner ?? NIL_OWNER) ?? null;
          const sets: string[] = [];
          const params: unknown[] = [];
          for (const c of columns) {
            const v = r[c];
            if (v === null || v === undefined || v === '' || v.startsWith(FIELD_PREFIX)) continue;
            sets.push(`"${c}" = ?`);
            params.push(key ? crypto.encrypt(key, table, c, r.id!, v) : '');
            const kind = table === 'customer' ? (c as keyof typeof BIDX) : null;
            if (kind && kind in BIDX) {
              sets.push(`"${BIDX[kind]}" = ?`);
              params.push(key ? crypto.blind(kind, v) : null);
            }
          }
          if (sets.length) await conn.execute(`update "${table}" set ${sets.join(', ')} where id = ?`, [...params, r.id]);
        }
        after = rows[rows.length - 1]!.id!;
        return rows.length;
      });
      if (done === 0) break;
      counts[table] += done;
      onProgress?.(table, counts[table]);
    }
  }
  return counts;
}
