/**
 * A provision of feedback to a third party (APPI Art. 27–29): selects the feedback in a period,
 * keeps only customers with an active consent for the provision (`third_party` for a recipient in
 * Japan, `transfer_abroad` for one abroad: the Art. 28 consent is to the provision to that foreign
 * third party itself, so it needs no separate `third_party` consent), opens and masks each field
 * as the recipient's policy says, streams one JSON line per feedback, and writes the provision
 * record in the same transaction. Customers without the consent are left out and counted.
 *
 * Memory stays flat: feedback is read in keyset batches, and only customer ids are kept. The
 * transaction is REPEATABLE READ, so the count of left-out customers, the lines and the record
 * all describe one snapshot.
 */
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { IsolationLevel } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { MASKERS, type MaskContext } from '../../policies/maskers/index.js';
import type { RecipientDef } from '../../policies/model.js';
import type { FieldCrypto } from '../encryption/index.js';
import { ENCRYPTED_COLUMNS } from '../encryption/index.js';
import { insertProvisionRecord, type ProvisionRecordRow } from './provision-record.js';

export const CONSENT_DOMESTIC = 'third_party';
export const CONSENT_ABROAD = 'transfer_abroad';

export function consentPurposeFor(recipient: RecipientDef): string {
  return recipient.abroad ? CONSENT_ABROAD : CONSENT_DOMESTIC;
}

/** The `hash` masker's key for one recipient: pseudonyms differ between recipients, so they cannot join. */
export function recipientMaskContext(pseudonymKey: string | Uint8Array, recipientId: string): MaskContext {
  return { pseudonymKey: createHmac('sha256', pseudonymKey).update(`provision:${recipientId}`).digest('base64url') };
}

export interface ProvisionOptions {
  recipient: RecipientDef;
  /** The declared purpose of use; must be the recipient's. */
  purpose: string;
  since?: Date | null;
  until?: Date | null;
  channel?: string | null;
  /** Only these customers (a provision made by other means); still only those with consent. */
  customerIds?: readonly string[] | null;
  actorId: string;
  via: 'cli' | 'graphql';
  /** Where the JSON lines go; without one only the record is written (nothing is opened). */
  out?: Writable | null;
  /** Keys for the `hash` masker; derived per recipient so two recipients cannot join their data. */
  maskContext: MaskContext;
  batchSize?: number;
  now?: Date;
  /** Runs in the record's transaction (the audit event): no record without it, and none of it without the record. */
  onRecorded?: (tx: EntityManager, result: ProvisionResult) => Promise<void>;
}

export interface ProvisionResult {
  record: ProvisionRecordRow;
  /** Feedback lines given. */
  records: number;
  /** Customers given. */
  customers: number;
  /** Customers left out for want of the consent. */
  excluded: number;
}

export class ProvisionPurposeError extends Error {}

interface Row {
  id: string;
  customer_id: string;
  channel: string;
  received_at: Date;
  subject: string | null;
  body: string;
  rating: number | null;
  sentiment: string | null;
  tags: string[];
  status: string;
  customer_key: string;
  name: string;
  name_kana: string;
  email: string;
  phone: string;
  address: string;
  prefecture: string;
  birth_date: string;
  segment: string | null;
}

/** Feedback field -> how to read it off a row (opened when encrypted). */
type Reader = (r: Row, open: (table: 'customer' | 'feedback', column: string, id: string, stored: string | null) => string | null) => unknown;
const col = ENCRYPTED_COLUMNS;
const READERS: Record<string, Reader> = {
  'Feedback.id': (r) => r.id,
  'Feedback.channel': (r) => r.channel,
  'Feedback.receivedAt': (r) => new Date(r.received_at).toISOString(),
  'Feedback.subject': (r, open) => open('feedback', col.feedback.subject, r.id, r.subject),
  'Feedback.body': (r, open) => open('feedback', col.feedback.body, r.id, r.body),
  'Feedback.rating': (r) => r.rating,
  'Feedback.sentiment': (r) => r.sentiment,
  'Feedback.tags': (r) => [...r.tags],
  'Feedback.status': (r) => r.status,
  'Customer.customerKey': (r) => r.customer_key,
  'Customer.name': (r, open) => open('customer', col.customer.name, r.customer_id, r.name),
  'Customer.nameKana': (r, open) => open('customer', col.customer.nameKana, r.customer_id, r.name_kana),
  'Customer.email': (r, open) => open('customer', col.customer.email, r.customer_id, r.email),
  'Customer.phone': (r, open) => open('customer', col.customer.phone, r.customer_id, r.phone),
  'Customer.address': (r, open) => open('customer', col.customer.address, r.customer_id, r.address),
  'Customer.prefecture': (r) => r.prefecture,
  'Customer.birthDate': (r, open) => open('customer', col.customer.birthDate, r.customer_id, r.birth_date),
  'Customer.segment': (r) => r.segment,
};

export async function exportProvision(em: EntityManager, crypto: FieldCrypto, opts: ProvisionOptions): Promise<ProvisionResult> {
  const { recipient } = opts;
  if (opts.purpose !== recipient.purpose) {
    throw new ProvisionPurposeError(`recipient "${recipient.id}" receives data for the purpose "${recipient.purpose}" only (recipients.policy.yaml), not "${opts.purpose}"`);
  }
  for (const f of recipient.fields) if (!READERS[f.field]) throw new Error(`no reader for ${f.field}`);
  const batchSize = opts.batchSize ?? 500;
  const now = opts.now ?? new Date();
  const consentPurpose = consentPurposeFor(recipient);

  // The selection: customers' feedback in the period (feedback from nobody in particular has no consent to rely on).
  const where: string[] = ['f.customer_id is not null'];
  const params: unknown[] = [];
  if (opts.since) (where.push('f.received_at >= ?'), params.push(opts.since));
  if (opts.until) (where.push('f.received_at < ?'), params.push(opts.until));
  if (opts.channel) (where.push('f.channel = ?'), params.push(opts.channel));
  if (opts.customerIds) (where.push('f.customer_id = any(?::uuid[])'), params.push(`{${opts.customerIds.filter((id) => /^[0-9a-f-]{36}$/i.test(id)).join(',')}}`));
  // A customer who restricted use for the provision's purpose (restrictUse, Art. 35) is left out too.
  const consented = `(c.erased_at is null and exists (select 1 from consent k where k.customer_id = c.id and k.purpose = ? and k.granted_at <= ? and (k.withdrawn_at is null or k.withdrawn_at > ?)) and not exists (select 1 from use_restriction r where r.customer_id = c.id and r.purpose = ?))`;
  const consentParams = [consentPurpose, now, now, recipient.purpose];

  return em.transactional(
    async (tx) => {
      const [{ n: excluded }] = (await tx.execute(
        `select count(distinct f.customer_id)::int as n from feedback f join customer c on c.id = f.customer_id where ${where.join(' and ')} and not ${consented}`,
        [...params, ...consentParams],
      )) as [{ n: number }];

      const customers = new Set<string>();
      let records = 0;
      let after: { at: Date; id: string } | null = null;
      for (;;) {
        const keyset = after ? ' and (f.received_at, f.id) > (?, ?::uuid)' : '';
        const rows = (await tx.execute(
          `select f.id, f.customer_id, f.channel, f.received_at, f.subject, f.body, f.rating, f.sentiment, f.tags, f.status,
                  c.customer_key, c.name, c.name_kana, c.email, c.phone, c.address, c.prefecture, c.birth_date, c.segment
             from feedback f join customer c on c.id = f.customer_id
            where ${where.join(' and ')} and ${consented}${keyset}
            order by f.received_at, f.id limit ?`,
          [...params, ...consentParams, ...(after ? [after.at, after.id] : []), batchSize],
        )) as Row[];
        if (rows.length === 0) break;
        for (const r of rows) customers.add(r.customer_id);
        records += rows.length;
        if (opts.out) await writeBatch(tx, crypto, opts, rows, opts.out);
        const last = rows[rows.length - 1]!;
        after = { at: last.received_at, id: last.id };
        if (rows.length < batchSize) break;
      }

      const record = await insertProvisionRecord(tx, {
        providedAt: now,
        recipientId: recipient.id,
        recipientName: recipient.name,
        recipientAddress: recipient.address,
        recipientCountry: recipient.country,
        purpose: opts.purpose,
        consentPurpose,
        dataItems: recipient.fields.map((f) => f.field),
        customerIds: [...customers].sort(),
        recordCount: records,
        excludedCount: excluded,
        actorId: opts.actorId,
        via: opts.via,
      });
      const result = { record, records, customers: customers.size, excluded };
      await opts.onRecorded?.(tx, result);
      return result;
    },
    { isolationLevel: IsolationLevel.REPEATABLE_READ },
  );
}

async function writeBatch(em: EntityManager, crypto: FieldCrypto, opts: ProvisionOptions, rows: readonly Row[], out: Writable): Promise<void> {
  const keys = await crypto.loadKeys(em, [...new Set(rows.map((r) => r.customer_id))]);
  let chunk = '';
  for (const r of rows) {
    const key = keys.get(r.customer_id) ?? null;
    // No key: erased meanwhile; nothing personal can be opened, so nothing personal is given.
    const open = (table: 'customer' | 'feedback', column: string, id: string, stored: string | null) =>
      key && stored !== null && stored !== '' ? crypto.decrypt(key, table, column, id, stored) : null;
    const line: { feedback: Record<string, unknown>; customer: Record<string, unknown> } = { feedback: {}, customer: {} };
    for (const { field, decision } of opts.recipient.fields) {
      const value = READERS[field]!(r, open);
      const [type, name] = field.split('.') as [string, string];
      (type === 'Feedback' ? line.feedback : line.customer)[name] = decision === 'PLAIN' ? value : MASKERS[decision](value, opts.maskContext);
    }
    chunk += `${JSON.stringify(line)}\n`;
  }
  if (!out.write(chunk)) await once(out, 'drain');
}

/** What an audit event says of a provision: counts and names, never the data. */
export function provisionDetail(r: ProvisionResult): Record<string, unknown> {
  const { record } = r;
  return {
    provisionId: record.id, recipientId: record.recipientId, recipientCountry: record.recipientCountry, purpose: record.purpose,
    consentPurpose: record.consentPurpose, dataItems: record.dataItems, records: r.records, customers: r.customers, excluded: r.excluded,
  };
}
