/**
 * Everything held on one customer, decrypted, for a data-subject disclosure request (APPI Art. 33):
 * the customer's own fields, every consent with its history, purchases and feedback. Used by the
 * `subjectExport` query and `koe subject export`. An erased customer's personal fields are `null`
 * (their key is gone); what remains (ids, dates, amounts, ratings) is still listed.
 * Third-party provision records that included the customer are listed too (APPI Art. 33(5)).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FieldCrypto } from './encryption/index.js';
import { ENCRYPTED_COLUMNS, type EncryptedTable } from './encryption/index.js';
import { ConsentEntity, CustomerEntity, FeedbackEntity, PurchaseEntity, UseRestrictionEntity } from './entities/index.js';
import { provisionRecordsAbout } from './provision/provision-record.js';

export interface SubjectExport {
  exportedAt: string;
  customerId: string;
  /** True when the data key is gone (erased): personal fields read `null`. */
  erased: boolean;
  customer: {
    id: string;
    customerKey: string;
    name: string | null;
    nameKana: string | null;
    email: string | null;
    phone: string | null;
    address: string | null;
    prefecture: string | null;
    birthDate: string | null;
    teamId: string | null;
    segment: string | null;
    createdAt: string;
    lastActivityAt: string;
    erasedAt: string | null;
  };
  consents: Array<{ purpose: string; grantedAt: string; withdrawnAt: string | null; source: string }>;
  purchases: Array<{ id: string; orderedAt: string; productName: string | null; category: string; amount: number; store: string | null }>;
  feedback: Array<{
    id: string;
    channel: string;
    receivedAt: string;
    subject: string | null;
    body: string | null;
    rating: number | null;
    sentiment: string | null;
    tags: string[];
    status: string;
    teamId: string | null;
    note: string | null;
  }>;
  /** Purposes the customer's data may no longer be used for (restrictUse, APPI Art. 35). */
  restrictions: Array<{ purpose: string; restrictedAt: string; reason: string }>;
  /** Third-party provisions that included the customer (APPI Art. 29, 33(5)), oldest first. */
  provisions: Array<{
    id: string;
    providedAt: string;
    recipientName: string;
    recipientAddress: string;
    recipientCountry: string;
    purpose: string;
    consentPurpose: string;
    dataItems: string[];
    keepUntil: string;
  }>;
}

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** `null` when there is no customer with this id. */
export async function subjectExport(em: EntityManager, crypto: FieldCrypto, customerId: string, now: Date = new Date()): Promise<SubjectExport | null> {
  const c = await em.findOne(CustomerEntity, { id: customerId });
  if (!c) return null;
  const [consents, purchases, feedback, keys, provisions, restrictions] = await Promise.all([
    em.find(ConsentEntity, { customer: customerId }, { orderBy: { grantedAt: 'asc', id: 'asc' } }),
    em.find(PurchaseEntity, { customer: customerId }, { orderBy: { orderedAt: 'asc', id: 'asc' } }),
    em.find(FeedbackEntity, { customer: customerId }, { orderBy: { receivedAt: 'asc', id: 'asc' } }),
    crypto.loadKeys(em, [customerId]),
    provisionRecordsAbout(em, customerId),
    em.find(UseRestrictionEntity, { customer: customerId }, { orderBy: { restrictedAt: 'asc', purpose: 'asc' } }),
  ]);
  const key = keys.get(customerId) ?? null;
  // No key: erased, and whatever is stored (an empty marker or old ciphertext) reads as null.
  const open = (table: EncryptedTable, column: string, recordId: string, stored: string | null): string | null =>
    key && stored !== null && stored !== '' ? crypto.decrypt(key, table, column, recordId, stored) : null;
  const col = ENCRYPTED_COLUMNS;
  return {
    exportedAt: now.toISOString(),
    customerId,
    erased: key === null,
    customer: {
      id: c.id,
      customerKey: c.customerKey,
      name: open('customer', col.customer.name, c.id, c.name),
      nameKana: open('customer', col.customer.nameKana, c.id, c.nameKana),
      email: open('customer', col.customer.email, c.id, c.email),
      phone: open('customer', col.customer.phone, c.id, c.phone),
      address: open('customer', col.customer.address, c.id, c.address),
      prefecture: c.prefecture,
      birthDate: open('customer', col.customer.birthDate, c.id, c.birthDate),
      teamId: c.teamId,
      segment: c.segment,
      createdAt: iso(c.createdAt)!,
      lastActivityAt: iso(c.lastActivityAt)!,
      erasedAt: iso(c.erasedAt),
    },
    consents: consents.map((x) => ({ purpose: x.purpose, grantedAt: iso(x.grantedAt)!, withdrawnAt: iso(x.withdrawnAt), source: x.source })),
    purchases: purchases.map((p) => ({
      id: p.id,
      orderedAt: iso(p.orderedAt)!,
      productName: open('purchase', col.purchase.productName, p.id, p.productName),
      category: p.category,
      amount: p.amount,
      store: open('purchase', col.purchase.store, p.id, p.store),
    })),
    feedback: feedback.map((f) => ({
      id: f.id,
      channel: f.channel,
      receivedAt: iso(f.receivedAt)!,
      subject: open('feedback', col.feedback.subject, f.id, f.subject),
      body: open('feedback', col.feedback.body, f.id, f.body),
      rating: f.rating,
      sentiment: f.sentiment,
      tags: [...f.tags],
      status: f.status,
      teamId: f.teamId,
      note: open('feedback', col.feedback.note, f.id, f.note),
    })),
    restrictions: restrictions.map((r) => ({ purpose: r.purpose, restrictedAt: iso(r.restrictedAt)!, reason: r.reason })),
    provisions: provisions.map((p) => ({
      id: p.id,
      providedAt: iso(p.providedAt)!,
      recipientName: p.recipientName,
      recipientAddress: p.recipientAddress,
      recipientCountry: p.recipientCountry,
      purpose: p.purpose,
      consentPurpose: p.consentPurpose,
      dataItems: p.dataItems,
      keepUntil: iso(p.keepUntil)!,
    })),
  };
}
