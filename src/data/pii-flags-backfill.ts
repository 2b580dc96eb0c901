/**
 * The second data step of `koe migrate`: feedback stored before intake detection (or before the
 * subject counted as personal data) has no `pii_flags` computed from its text. Each batch opens
 * subject and body with the owner's key, adds what the detector finds to the flags already there,
 * and stamps `pii_scanned_at`, in one short transaction: stopped at any point, a rerun resumes with
 * the rows not yet stamped, and a finished run finds nothing to do. Run after the sealing step, so
 * every value it reads is sealed or was emptied.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { NIL_OWNER, type FieldCrypto } from './encryption/index.js';
import { feedbackPiiFlags } from '../policies/detector/feedback-flags.js';

const BATCH = 500;

interface Row {
  id: string;
  owner: string | null;
  subject: string | null;
  body: string | null;
  pii_flags: string[];
}

/** `done` of `total` rows scanned so far (the total counted at the start). */
export type BackfillProgress = (done: number, total: number) => void;

/** Returns how many rows were scanned (0 when every row had its flags). */
export async function backfillPiiFlags(em: EntityManager, crypto: FieldCrypto, onProgress?: BackfillProgress, batch = BATCH): Promise<number> {
  const [{ n: total }] = await em.getConnection().execute<[{ n: number }]>(`select count(*)::int as n from feedback where pii_scanned_at is null`);
  if (total === 0) return 0;
  let done = 0;
  for (;;) {
    const n = await em.fork().transactional(async (tx) => {
      // skip locked: a row held by a writer (lifecycle, erasure) is taken by the next run instead of waited for.
      const rows = await tx.execute<Row[]>(
        `select id, customer_id as owner, subject, body, pii_flags from feedback where pii_scanned_at is null order by id limit ? for update skip locked`,
        [batch],
      );
      if (rows.length === 0) return 0;
      const keys = await crypto.loadKeys(tx, [...new Set(rows.map((r) => r.owner ?? NIL_OWNER))]);
      const values: unknown[] = [];
      for (const r of rows) {
        const key = keys.get(r.owner ?? NIL_OWNER);
        // No key (shredded) or a value failing its integrity check: nothing can be read, the flags stay as they are.
        const open = (column: 'subject' | 'body', stored: string | null): string | null => {
          if (!key || stored === null || stored === '') return null;
          try {
            return crypto.decrypt(key, 'feedback', column, r.id, stored);
          } catch {
            return null;
          }
        };
        values.push(r.id, `{${feedbackPiiFlags(open('subject', r.subject), open('body', r.body), r.pii_flags).join(',')}}`);
      }
      await tx.execute(
        `update feedback as f set pii_flags = v.flags::text[], pii_scanned_at = now()
           from (values ${rows.map(() => '(?::uuid, ?)').join(', ')}) as v(id, flags) where f.id = v.id`,
        values,
      );
      return rows.length;
    });
    if (n === 0) break;
    done += n;
    onProgress?.(done, Math.max(total, done));
  }
  return done;
}
