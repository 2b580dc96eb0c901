/**
 * What "due" and "disposed of" mean per data category, as SQL. Rows are never deleted: each
 * disposal empties the personal columns and stamps the row, so counts and aggregates (amounts,
 * categories, ratings, channels, dates, prefectures) stay whole and a rerun finds nothing left.
 * Every statement runs on the caller's transaction (`tx.execute`, never `getConnection()`).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { NIL_OWNER } from '../crypto/index.js';
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
    },
  },
  purchases: {
    table: 'purchase',
    resource: 'Purchase',
    due: `ordered_at < ? and anonymised_at is null`,
    dispose: async (tx, ids, now) => {
      await tx.execute(`update purchase set product_name = '', store = '', anonymised_at = ? where id in (${list(ids)})`, [now, ...ids]);
    },
  },
  contactDetails: {
    table: 'customer',
    resource: 'Customer',
    due: `last_activity_at < ? and erased_at is null`,
    dispose: shredCustomers,
  },
};

/**
 * The statements of `eraseCustomer` (src/data/erasure.ts) for a batch of customers at once, five
 * statements per batch instead of five per customer: the data keys deleted (crypto-shredding),
 * personal columns and blind indexes emptied, their feedback text and purchase products emptied
 * (sealed under the shredded key, so unreadable anyway) and consents withdrawn; `erased_at` set.
 */
export async function shredCustomers(tx: EntityManager, ids: readonly string[], now: Date): Promise<void> {
  const owners = ids.filter((id) => id !== NIL_OWNER); // the shared key of anonymous feedback is never shredded
  if (owners.length === 0) return;
  const ins = list(owners);
  // Remembered as shredded, so a later write naming one of them is refused rather than re-keyed.
  await tx.execute(`insert into shredded_owner (owner_id) select unnest(array[${ins}]::uuid[]) on conflict (owner_id) do nothing`, owners);
  await tx.execute(`delete from data_key where owner_id in (${ins})`, owners);
  await tx.execute(
    `update customer set name = '', name_kana = '', email = '', phone = '', address = '', birth_date = '', ` +
      `email_bidx = null, phone_bidx = null, name_bidx = null, erased_at = coalesce(erased_at, ?) where id in (${ins})`,
    [now, ...owners],
  );
  await tx.execute(`update feedback set body = '', note = null, subject = null, scrubbed_at = coalesce(scrubbed_at, ?) where customer_id in (${ins})`, [now, ...owners]);
  await tx.execute(`update purchase set product_name = '', store = '', anonymised_at = coalesce(anonymised_at, ?) where customer_id in (${ins})`, [now, ...owners]);
  await tx.execute(`update consent set withdrawn_at = ? where customer_id in (${ins}) and withdrawn_at is null`, [now, ...owners]);
}
