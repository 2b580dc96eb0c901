/**
 * The provision records themselves (APPI Art. 29–30): written once, never changed, kept at least
 * 3 years (the database refuses an earlier DELETE, Migration20261128193000_Provision), and read
 * by the DPO and auditors by recipient, customer or period.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/** How long a record is kept at least (Rules Art. 21: 3 years for continuous or batch provision). */
export const PROVISION_KEEP_YEARS = 3;

export interface ProvisionRecordRow {
  id: string;
  providedAt: Date;
  recipientId: string;
  recipientName: string;
  recipientAddress: string;
  recipientCountry: string;
  purpose: string;
  /** The consent relied on: `third_party` (domestic) or `transfer_abroad` (abroad). */
  consentPurpose: string;
  /** `Type.field` of every item given. */
  dataItems: string[];
  customerIds: string[];
  customerCount: number;
  recordCount: number;
  /** Customers left out for want of the consent. */
  excludedCount: number;
  actorId: string;
  via: string;
  keepUntil: Date;
}

export type NewProvisionRecord = Omit<ProvisionRecordRow, 'id' | 'keepUntil' | 'customerCount'>;

export function keepUntil(providedAt: Date): Date {
  const d = new Date(providedAt);
  d.setUTCFullYear(d.getUTCFullYear() + PROVISION_KEEP_YEARS);
  return d;
}

/** A Postgres array literal of values that are known to be safe words (uuids, `Type.field`). */
function arrayLiteral(values: readonly string[]): string {
  for (const v of values) if (!/^[A-Za-z0-9_.-]+$/.test(v)) throw new Error(`not an array-safe value: ${JSON.stringify(v)}`);
  return `{${values.join(',')}}`;
}

export async function insertProvisionRecord(em: EntityManager, r: NewProvisionRecord): Promise<ProvisionRecordRow> {
  const row: ProvisionRecordRow = { ...r, id: randomUUID(), customerCount: r.customerIds.length, keepUntil: keepUntil(r.providedAt) };
  await em.execute(
    `insert into provision_record (id, provided_at, recipient_id, recipient_name, recipient_address, recipient_country, purpose, consent_purpose,
       data_items, customer_count, record_count, excluded_count, actor_id, via, keep_until)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?::text[], ?, ?, ?, ?, ?, ?)`,
    [row.id, row.providedAt, row.recipientId, row.recipientName, row.recipientAddress, row.recipientCountry, row.purpose, row.consentPurpose,
      arrayLiteral(row.dataItems), row.customerCount, row.recordCount, row.excludedCount, row.actorId, row.via, row.keepUntil],
  );
  if (row.customerIds.length) {
    await em.execute(`insert into provision_customer (provision_id, customer_id) select ?, unnest(?::uuid[])`, [row.id, arrayLiteral(row.customerIds)]);
  }
  return row;
}

export interface ProvisionRecordFilter {
  recipientId?: string | null;
  customerId?: string | null;
  /** provided at or after */
  after?: Date | null;
  /** provided before */
  before?: Date | null;
}

interface Raw {
  id: string;
  provided_at: Date;
  recipient_id: string;
  recipient_name: string;
  recipient_address: string;
  recipient_country: string;
  purpose: string;
  consent_purpose: string;
  data_items: string[];
  customer_ids: string[] | null;
  customer_count: number;
  record_count: number;
  excluded_count: number;
  actor_id: string;
  via: string;
  keep_until: Date;
}

const SELECT = `select r.*, (select coalesce(array_agg(pc.customer_id::text order by pc.customer_id), '{}') from provision_customer pc where pc.provision_id = r.id) as customer_ids
  from provision_record r`;

function whereOf(f: ProvisionRecordFilter | null | undefined): { sql: string[]; params: unknown[] } {
  const sql: string[] = [];
  const params: unknown[] = [];
  if (f?.recipientId) (sql.push('r.recipient_id = ?'), params.push(f.recipientId));
  if (f?.customerId) (sql.push('exists (select 1 from provision_customer pc where pc.provision_id = r.id and pc.customer_id = ?::uuid)'), params.push(f.customerId));
  if (f?.after) (sql.push('r.provided_at >= ?'), params.push(f.after));
  if (f?.before) (sql.push('r.provided_at < ?'), params.push(f.before));
  return { sql, params };
}

/** Newest first; `cursor` is the (provided_at, id) of the last row of the previous page. */
export async function listProvisionRecords(
  em: EntityManager,
  filter: ProvisionRecordFilter | null | undefined,
  limit: number,
  cursor: { providedAt: string; id: string } | null,
): Promise<ProvisionRecordRow[]> {
  const { sql, params } = whereOf(filter);
  if (cursor) (sql.push('(r.provided_at, r.id) < (?::timestamptz, ?::uuid)'), params.push(cursor.providedAt, cursor.id));
  const rows = (await em.execute(`${SELECT} ${sql.length ? `where ${sql.join(' and ')}` : ''} order by r.provided_at desc, r.id desc limit ?`, [...params, limit])) as Raw[];
  return rows.map(fromRaw);
}

export async function countProvisionRecords(em: EntityManager, filter: ProvisionRecordFilter | null | undefined): Promise<number> {
  const { sql, params } = whereOf(filter);
  const rows = (await em.execute(`select count(*)::int as n from provision_record r ${sql.length ? `where ${sql.join(' and ')}` : ''}`, params)) as Array<{ n: number }>;
  return rows[0]?.n ?? 0;
}

/** Every provision that included this customer, oldest first: part of a subject export (Art. 33(5)). */
export async function provisionRecordsAbout(em: EntityManager, customerId: string): Promise<ProvisionRecordRow[]> {
  const rows = (await em.execute(
    `${SELECT} where exists (select 1 from provision_customer pc where pc.provision_id = r.id and pc.customer_id = ?::uuid) order by r.provided_at asc, r.id asc`,
    [customerId],
  )) as Raw[];
  return rows.map(fromRaw);
}

function fromRaw(r: Raw): ProvisionRecordRow {
  return {
    id: r.id,
    providedAt: new Date(r.provided_at),
    recipientId: r.recipient_id,
    recipientName: r.recipient_name,
    recipientAddress: r.recipient_address,
    recipientCountry: r.recipient_country.trim(),
    purpose: r.purpose,
    consentPurpose: r.consent_purpose,
    dataItems: [...r.data_items],
    customerIds: [...(r.customer_ids ?? [])],
    customerCount: r.customer_count,
    recordCount: r.record_count,
    excludedCount: r.excluded_count,
    actorId: r.actor_id,
    via: r.via,
    keepUntil: new Date(r.keep_until),
  };
}
