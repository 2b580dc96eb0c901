/**
 * The third data step of `koe migrate`: customers stored before `birth_year` existed have only the
 * sealed birth date. Each batch opens it with the customer's key and writes its year, in one short
 * transaction, walking the ids in order: stopped at any point, a rerun resumes with the rows still
 * without a year. A row whose date cannot be opened (no key, a failed integrity check) keeps a null
 * year and is looked at again by the next run. Run after the sealing step.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { ENCRYPTED_COLUMNS, type FieldCrypto } from './encryption/index.js';
import { birthYearOf } from './encryption/birth-year.js';
import type { BackfillProgress } from './pii-flags-backfill.js';

const BATCH = 500;
const MISSING = `birth_year is null and birth_date <> '' and erased_at is null`;

interface Row {
  id: string;
  birth_date: string;
}

/** Returns how many customers were given a year. */
export async function backfillBirthYears(em: EntityManager, crypto: FieldCrypto, onProgress?: BackfillProgress, batch = BATCH): Promise<number> {
  const [{ n: total }] = await em.getConnection().execute<[{ n: number }]>(`select count(*)::int as n from customer where ${MISSING}`);
  if (total === 0) return 0;
  let after = '00000000-0000-0000-0000-000000000000';
  let scanned = 0;
  let filled = 0;
  for (;;) {
    const rows = await em.fork().transactional(async (tx) => {
      // skip locked: a row held by a writer (upsert, erasure) is taken by the next run instead of waited for.
      const found = await tx.execute<Row[]>(`select id, birth_date from customer where id > ? and ${MISSING} order by id limit ? for update skip locked`, [after, batch]);
      if (found.length === 0) return found;
      const keys = await crypto.loadKeys(tx, found.map((r) => r.id));
      const values: unknown[] = [];
      for (const r of found) {
        const key = keys.get(r.id);
        if (!key) continue;
        let year: number | null = null;
        try {
          year = birthYearOf(crypto.decrypt(key, 'customer', ENCRYPTED_COLUMNS.customer.birthDate, r.id, r.birth_date));
        } catch {
          // A value failing its integrity check: nothing can be read, the year stays unknown.
        }
        if (year !== null) values.push(r.id, year);
      }
      if (values.length) {
        await tx.execute(
          `update customer as c set birth_year = v.year from (values ${Array.from({ length: values.length / 2 }, () => '(?::uuid, ?::smallint)').join(', ')}) as v(id, year) where c.id = v.id`,
          values,
        );
      }
      filled += values.length / 2;
      return found;
    });
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.id;
    scanned += rows.length;
    onProgress?.(scanned, Math.max(total, scanned));
  }
  return filled;
}
