/**
 * Erasure of data subjects (APPI Art. 35), one path for both callers: `requestErasure` erases one
 * customer, lifecycle disposal of contact details erases a batch. Run inside the caller's
 * transaction, it deletes the customers' data keys (crypto-shredding: every ciphertext under them
 * is unreadable for good), empties the personal columns of the customers, their purchases and
 * their feedback, clears the blind indexes and the clear birth year (age bands) and withdraws every
 * consent, in six statements per batch whatever its size. Rows and their ids stay, so counts and aggregates (amounts, categories,
 * dates, channels, ratings, sentiment, teams) still include the customers.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { biScrub } from './bi/bi-scrub.js';
import { NIL_OWNER } from './encryption/index.js';

export interface ErasureCounts {
  /** Whether a data key existed and was deleted (false when it was shredded before). */
  keyShredded: boolean;
  feedbackScrubbed: number;
  purchasesAnonymised: number;
  consentsWithdrawn: number;
  /** The first erasure's time; a repeated erasure keeps it. */
  erasedAt: Date;
}

type Row = Record<string, unknown>;
const list = (ids: readonly string[]) => ids.map(() => '?').join(', ');

/** Runs an update or delete and counts the rows it touched per customer (`customer_id` or `owner_id`). */
async function perCustomer(tx: EntityManager, sql: string, column: string, params: unknown[]): Promise<Map<string, number>> {
  const rows = await tx.execute<Row[]>(`with done as (${sql} returning ${column} as id) select id, count(*)::int as n from done group by id`, params);
  return new Map(rows.map((r) => [String(r.id), Number(r.n)]));
}

/**
 * Erases the customers `ids` (rows the caller has locked); returns what was done per customer
 * found. The shared key of anonymous feedback (NIL_OWNER) is never shredded.
 */
export async function eraseCustomers(tx: EntityManager, ids: readonly string[], now: Date = new Date()): Promise<Map<string, ErasureCounts>> {
  const owners = [...new Set(ids)].filter((id) => id !== NIL_OWNER);
  const out = new Map<string, ErasureCounts>();
  if (owners.length === 0) return out;
  const ins = list(owners);
  // Remembered as shredded, so a later write naming one of them is refused rather than re-keyed.
  await tx.execute(`insert into shredded_owner (owner_id) select unnest(array[${ins}]::uuid[]) on conflict (owner_id) do nothing`, owners);
  const keys = await perCustomer(tx, `delete from data_key where owner_id in (${ins})`, 'owner_id', owners);
  // NOT NULL text columns get '' (nothing readable, and no schema change to every reader's types).
  const erased = await tx.execute<Row[]>(
    `update customer set name = '', name_kana = '', email = '', phone = '', address = '', birth_date = '', birth_year = null, ` +
      `email_bidx = null, phone_bidx = null, name_bidx = null, erased_at = coalesce(erased_at, ?) where id in (${ins}) returning id, erased_at`,
    [now, ...owners],
  );
  // Subject is plain free text the customer wrote: it goes with the body.
  const feedback = await perCustomer(tx, `update feedback set body = '', note = null, subject = null, scrubbed_at = coalesce(scrubbed_at, ?) where customer_id in (${ins})`, 'customer_id', [now, ...owners]);
  const purchases = await perCustomer(tx, `update purchase set product_name = '', store = '', anonymised_at = coalesce(anonymised_at, ?) where customer_id in (${ins})`, 'customer_id', [now, ...owners]);
  // Gone from the BI schemas in this same transaction: no BI tool reads them once this commits.
  await biScrub(tx, owners);
  const consents = await perCustomer(tx, `update consent set withdrawn_at = ? where customer_id in (${ins}) and withdrawn_at is null`, 'customer_id', [now, ...owners]);
  for (const row of erased) {
    const id = String(row.id);
    out.set(id, {
      keyShredded: (keys.get(id) ?? 0) > 0,
      feedbackScrubbed: feedback.get(id) ?? 0,
      purchasesAnonymised: purchases.get(id) ?? 0,
      consentsWithdrawn: consents.get(id) ?? 0,
      erasedAt: new Date(row.erased_at as string | Date),
    });
  }
  return out;
}

/** One customer: `tx` must be in a transaction; `null` when there is no such customer (nothing was changed). */
export async function eraseCustomer(tx: EntityManager, customerId: string, now: Date = new Date()): Promise<ErasureCounts | null> {
  const found = await tx.execute<Row[]>(`select id from customer where id = ? for update`, [customerId]);
  if (found.length === 0) return null;
  return (await eraseCustomers(tx, [customerId], now)).get(customerId) ?? null;
}
