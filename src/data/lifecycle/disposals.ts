/**
 * What "due" and "disposed of" mean per data category, as SQL. Rows are never deleted: each
 * disposal empties the personal columns and stamps the row, so counts and aggregates (amounts,
 * categories, ratings, channels, dates, prefectures) stay whole and a rerun finds nothing left.
 * Every statement runs on the caller's transaction (`tx.execute`, never `getConnection()`).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { biScrubDisposed } from '../bi/bi-scrub.js';
import { eraseCustomers } from '../erasure.js';
import type { LifecycleCategory } from '../../policies/model.js';

export interface Disposal {
  /** The table whose rows are counted and locked. */
  readonly table: 'feedback' | 'purchase' | 'customer';
  /** The audit resource type of a row (`Feedback:<id>`). */
  readonly resource: string;
  /** Rows due at a cutoff (one `?`): old enough and not disposed of yet. */
  readonly due: string;
  /** Disposes of the locked rows `ids`; `now` stamps them. */
  dispose(tx: EntityManager, ids: readonly string[], now: Date): Promise<void>;
}

const list = (ids: readonly string[]) => ids.map(() => '?').join(', ');

export const DISPOSALS: Readonly<Record<LifecycleCategory, Disposal>> = {
  feedback: {
    table: 'feedback',
    resource: 'Feedback',
    due: `received_at < ? and scrubbed_at is null`,
    // Subject is free text the customer typed too: it goes with the body (as in an erasure).
    dispose: async (tx, ids, now) => {
      await tx.execute(`update feedback set body = '', note = null, subject = null, scrubbed_at = ? where id in (${list(ids)})`, [now, ...ids]);
      await biScrubDisposed(tx, 'feedback', ids);
    },
  },
  purchases: {
    table: 'purchase',
    resource: 'Purchase',
    due: `ordered_at < ? and anonymised_at is null`,
    dispose: async (tx, ids, now) => {
      await tx.execute(`update purchase set product_name = '', store = '', anonymised_at = ? where id in (${list(ids)})`, [now, ...ids]);
      await biScrubDisposed(tx, 'purchases', ids);
    },
  },
  contactDetails: {
    table: 'customer',
    resource: 'Customer',
    due: `last_activity_at < ? and erased_at is null`,
    // The same path as `requestErasure`: keys shredded, contact details and free text emptied.
    dispose: async (tx, ids, now) => void (await eraseCustomers(tx, ids, now)),
  },
};
