/**
 * Erasure of one data subject (APPI Art. 35). Run inside the caller's transaction, it deletes the
 * customer's data key (crypto-shredding: every ciphertext under it is unreadable for good), empties
 * the personal columns of the customer, their purchases and their feedback, clears the blind
 * indexes and withdraws every consent. Rows and their ids stay, so counts and aggregates (amounts,
 * categories, dates, channels, ratings, sentiment, teams) still include the customer.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

export interface ErasureCounts {
  /** Whether a data key existed and was deleted (false when it was shredded before). */
  keyShredded: boolean;
  feedbackScrubbed: number;
  purchasesAnonymised: number;
  consentsWithdrawn: number;
  /** The first erasure's time; a repeated erasure keeps it. */
  erasedAt: Date;
}

// NOT NULL text columns get '' (nothing readable, and no schema change to every reader's types).
const CUSTOMER_SCRUB =
  `update customer set name = '', name_kana = '', email = '', phone = '', address = '', birth_date = '', ` +
  `email_bidx = null, phone_bidx = null, name_bidx = null, erased_at = coalesce(erased_at, ?) where id = ? returning erased_at`;

type Row = Record<string, unknown>;

/** `tx` must be in a transaction; `null` when there is no such customer (nothing was changed). */
export async function eraseCustomer(tx: EntityManager, customerId: string, now: Date = new Date()): Promise<ErasureCounts | null> {
  const found = await tx.execute<Row[]>(`select id from customer where id = ? for update`, [customerId]);
  if (found.length === 0) return null;
  const run = async (sql: string, params: unknown[]) => ((await tx.execute<{ affectedRows?: number }>(sql, params, 'run')).affectedRows ?? 0);
  // Remembered, so a later write naming this customer is refused instead of minting a fresh key.
  await run(`insert into shredded_owner (owner_id) values (?) on conflict (owner_id) do nothing`, [customerId]);
  const keyShredded = (await run(`delete from data_key where owner_id = ?`, [customerId])) > 0;
  const [scrubbed] = await tx.execute<Row[]>(CUSTOMER_SCRUB, [now, customerId]);
  // Subject is plain free text the customer wrote: it goes with the body.
  const feedbackScrubbed = await run(`update feedback set body = '', note = null, subject = null where customer_id = ?`, [customerId]);
  const purchasesAnonymised = await run(`update purchase set product_name = '', store = '' where customer_id = ?`, [customerId]);
  const consentsWithdrawn = await run(`update consent set withdrawn_at = ? where customer_id = ? and withdrawn_at is null`, [now, customerId]);
  return { keyShredded, feedbackScrubbed, purchasesAnonymised, consentsWithdrawn, erasedAt: new Date(scrubbed!.erased_at as string | Date) };
}
