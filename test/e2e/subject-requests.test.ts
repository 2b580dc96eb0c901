/**
 * Data-subject requests (APPI Art. 33–35) through the gateway: only the DPO declaring compliance
 * erases; erasure leaves no readable personal data for that customer in the database while counts
 * and aggregates still include them; the export (GraphQL and `koe subject export`) shows everything
 * held on a customer, decrypted, and an erased customer's personal fields as null.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataKeyAad, decryptField, fieldAad } from '../../src/crypto/index.js';
import { ENCRYPTED_COLUMNS, type EncryptedTable } from '../../src/data/encryption/index.js';
import { CustomerEntity } from '../../src/data/entities/index.js';
import { generateDemoData } from '../../src/data/seed/demo-data.js';
import type { SubjectExport } from '../../src/data/subject-export.js';
import { testKeyProvider, unsealed } from '../support/crypto.js';
import { koeCliEnv, runKoe } from '../support/koe-cli.js';
import { errorCodes, postAs, type GraphQLBody, type TestKoe } from '../support/koe.js';
import { seededScratchKoe, type ScratchKoeDb } from '../support/scratch-koe-db.js';

const OPTS = { customers: 30, feedback: 150 };
const demo = generateDemoData(OPTS);
const withHistory = (id: string) =>
  demo.feedback.some((f) => f.customerId === id) && demo.purchases.some((p) => p.customerId === id) && demo.consents.some((c) => c.customerId === id);
/** The customer to erase, and another to export: both with feedback, purchases and consents. */
const erased = demo.customers.find((c) => withHistory(c.id))!;
const other = demo.customers.find((c) => c.id !== erased.id && withHistory(c.id))!;
const erasedFeedback = demo.feedback.filter((f) => f.customerId === erased.id);
const REASON = '本人からの削除請求 (受付番号 DSR-2026-014)';

let db: ScratchKoeDb;
let koe: TestKoe;
let stop: (() => Promise<void>) | undefined;
beforeAll(async () => {
  ({ db, koe, stop } = await seededScratchKoe(OPTS));
}, 120_000);
afterAll(() => stop?.());

const as = (principal: string, query: string, variables?: Record<string, unknown>, purpose?: string) => postAs(koe, principal, query, variables, purpose);
const codes = errorCodes;

const ERASE = `mutation($id: ID!, $reason: String!) { requestErasure(customerId: $id, reason: $reason) { customerId erasedAt feedbackScrubbed purchasesAnonymised } }`;
const EXPORT = `query($id: ID!) { subjectExport(customerId: $id) }`;
const COUNTS = `query($id: ID) { customers(first: 1) { totalCount } feedbacks(first: 100, filter: { customerId: $id }) { totalCount edges { node { id rating channel sentiment } } } }`;

/** Every personal column of the customer, their purchases and their feedback, as stored. */
async function storedPersonalValues(customerId: string): Promise<Array<{ table: EncryptedTable; column: string; id: string; value: string | null }>> {
  const out: Array<{ table: EncryptedTable; column: string; id: string; value: string | null }> = [];
  for (const table of ['customer', 'purchase', 'feedback'] as const) {
    const columns = Object.values(ENCRYPTED_COLUMNS[table]);
    const where = table === 'customer' ? 'id = ?' : 'customer_id = ?';
    const rows = (await db.sql(`select id, ${columns.join(', ')} from ${table} where ${where}`, [customerId])) as Array<Record<string, string | null>>;
    for (const r of rows) for (const column of columns) out.push({ table, column, id: String(r.id), value: r[column] ?? null });
  }
  return out;
}

describe('requestErasure', () => {
  let before: GraphQLBody;

  it('is refused (FORBIDDEN) for the DPO without compliance, admins and analysts, and changes nothing', async () => {
    before = await as('p-admin', COUNTS, { id: erased.id });
    const refused = [
      await as('p-dpo', ERASE, { id: erased.id, reason: REASON }),
      await as('p-dpo', ERASE, { id: erased.id, reason: REASON }, 'support'),
      await as('p-admin', ERASE, { id: erased.id, reason: REASON }),
      await as('p-admin', ERASE, { id: erased.id, reason: REASON }, 'compliance'),
      await as('p-analyst', ERASE, { id: erased.id, reason: REASON }, 'compliance'),
    ];
    for (const res of refused) {
      expect(res.data ?? null).toBeNull();
      expect(codes(res)).toEqual(['FORBIDDEN']);
    }
    expect(await db.sql(`select 1 from data_key where owner_id = ?`, [erased.id])).toHaveLength(1);
    const [row] = (await db.sql(`select name, erased_at from customer where id = ?`, [erased.id])) as Array<{ name: string; erased_at: unknown }>;
    expect(row!.name).toMatch(/^ENC1:/);
    expect(row!.erased_at).toBeNull();
  });

  it('refuses an empty reason and an unknown customer with BAD_USER_INPUT', async () => {
    const empty = await as('p-dpo', ERASE, { id: erased.id, reason: '  ' }, 'compliance');
    expect(empty.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'reason' });
    const unknown = await as('p-dpo', ERASE, { id: '00000000-0000-4000-8000-000000000001', reason: REASON }, 'compliance');
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'customerId' });
    expect(await db.sql(`select 1 from data_key where owner_id = ?`, [erased.id])).toHaveLength(1);
  });

  it('erases the customer for the DPO declaring compliance', async () => {
    const res = await as('p-dpo', ERASE, { id: erased.id, reason: REASON }, 'compliance');
    expect(res.errors).toBeUndefined();
    expect((res.data as { requestErasure: unknown }).requestErasure).toMatchObject({
      customerId: erased.id,
      feedbackScrubbed: erasedFeedback.length,
      purchasesAnonymised: demo.purchases.filter((p) => p.customerId === erased.id).length,
    });
  });

  it('leaves no readable personal value in the database: key gone, columns emptied, nothing any key opens', async () => {
    expect(await db.sql(`select 1 from data_key where owner_id = ?`, [erased.id])).toHaveLength(0);
    const [c] = (await db.sql(`select email_bidx, phone_bidx, name_bidx, erased_at, customer_key from customer where id = ?`, [erased.id])) as Array<Record<string, unknown>>;
    expect(c).toMatchObject({ email_bidx: null, phone_bidx: null, name_bidx: null });
    expect(c!.erased_at).not.toBeNull();
    expect(c!.customer_key).toBeTruthy();
    const stored = await storedPersonalValues(erased.id);
    expect(stored.length).toBeGreaterThan(6);
    const remaining = stored.filter((s) => s.value !== null && s.value !== '');
    expect(remaining).toEqual([]);
    const subjects = (await db.sql(`select subject from feedback where customer_id = ? and subject is not null`, [erased.id])) as unknown[];
    expect(subjects).toEqual([]);
    // Should anything remain, no data key left in the database opens it.
    const provider = testKeyProvider();
    const keys = (await db.sql(`select owner_id, wrapped, kek_version from data_key`)) as Array<{ owner_id: string; wrapped: string; kek_version: number }>;
    for (const k of keys) {
      const key = provider.unwrap({ kekVersion: Number(k.kek_version), wrapped: Buffer.from(k.wrapped, 'base64') }, dataKeyAad(k.owner_id));
      for (const s of remaining) expect(() => decryptField(key, s.value!, fieldAad(s.table, s.column, s.id))).toThrow();
    }
    // Nor does the plaintext sit anywhere else: consents withdrawn, audit trail free of it.
    expect(await db.sql(`select 1 from consent where customer_id = ? and withdrawn_at is null`, [erased.id])).toHaveLength(0);
    const trail = JSON.stringify(await db.sql(`select detail, resources from audit_event`));
    for (const v of [erased.name, erased.email, erased.phone, erased.address]) expect(trail).not.toContain(v);
  });

  it('still counts the customer and their feedback, with ratings and channels kept', async () => {
    const after = await as('p-admin', COUNTS, { id: erased.id });
    expect(after.errors).toBeUndefined();
    expect(after.data).toEqual(before.data);
    const data = after.data as { customers: { totalCount: number }; feedbacks: { totalCount: number } };
    expect(data.customers.totalCount).toBe(demo.customers.length);
    expect(data.feedbacks.totalCount).toBe(erasedFeedback.length);
  });

  it('shows an admin the customer with null personal fields and no plaintext anywhere in the response', async () => {
    const res = await as('p-admin', `query($id: ID!) { customer(id: $id) { id customerKey name nameKana email phone address birthDate prefecture consents { purpose withdrawnAt } purchases { amount productName store } } feedbacks(first: 100, filter: { customerId: $id }) { edges { node { body subject note rating } } } }`, { id: erased.id });
    const customer = (res.data as { customer: Record<string, unknown> }).customer;
    expect(customer).toMatchObject({ id: erased.id, name: null, nameKana: null, email: null, phone: null, address: null, birthDate: null });
    expect(new Set(codes(res))).toEqual(new Set(['DATA_ERASED']));
    const text = JSON.stringify(res);
    for (const v of [erased.name, erased.nameKana, erased.email, erased.phone, erased.address, erased.birthDate, ...erasedFeedback.map((f) => f.body)]) expect(text).not.toContain(v);
    expect(text).not.toContain('ENC1:');
  });

  it('is recorded with its reason: the request event and the erasure event', async () => {
    const events = (await db.sql(`select action, actor_id, purpose, resources, detail from audit_event where action in ('mutation', 'subject.erasure') order by seq`)) as Array<{ action: string; actor_id: string; purpose: string | null; resources: string[]; detail: Record<string, unknown> }>;
    const request = events.filter((e) => e.action === 'mutation' && e.actor_id === 'p-dpo' && JSON.stringify(e.detail).includes('requestErasure')).at(-1)!;
    expect(request.detail).toEqual({ mutations: [{ name: 'requestErasure', arguments: { customerId: erased.id, reason: REASON } }] });
    expect(request.resources).toContain(`Customer:${erased.id}`);
    const erasure = events.filter((e) => e.action === 'subject.erasure');
    expect(erasure).toHaveLength(1);
    expect(erasure[0]).toMatchObject({ actor_id: 'p-dpo', purpose: 'compliance', resources: [`Customer:${erased.id}`] });
    expect(erasure[0]!.detail).toMatchObject({ customerId: erased.id, reason: REASON, keyShredded: true, feedbackScrubbed: erasedFeedback.length, via: 'graphql' });
  });
});

describe('subjectExport', () => {
  let exported: SubjectExport;

  it('is refused without the compliance purpose and for analysts', async () => {
    expect(codes(await as('p-dpo', EXPORT, { id: other.id }))).toEqual(['FORBIDDEN']);
    expect(codes(await as('p-analyst', EXPORT, { id: other.id }, 'compliance'))).toEqual(['FORBIDDEN']);
    expect((await as('p-dpo', EXPORT, { id: '00000000-0000-4000-8000-000000000001' }, 'compliance')).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('returns everything held on a customer, decrypted', async () => {
    const res = await as('p-dpo', EXPORT, { id: other.id }, 'compliance');
    expect(res.errors).toBeUndefined();
    exported = JSON.parse((res.data as { subjectExport: string }).subjectExport) as SubjectExport;
    const row = await unsealed(db.orm, 'customer', (await db.orm.em.fork().findOne(CustomerEntity, { id: other.id }))!);
    expect(exported.erased).toBe(false);
    expect(exported.customer).toMatchObject({ id: other.id, name: row.name, email: row.email, phone: row.phone, address: row.address, birthDate: row.birthDate });
    expect(exported.customer).toMatchObject({ name: other.name, email: other.email });
    const consents = demo.consents.filter((c) => c.customerId === other.id);
    expect(exported.consents.map((c) => [c.purpose, c.withdrawnAt === null]).sort()).toEqual(consents.map((c) => [c.purpose, c.withdrawnAt === null]).sort());
    const purchases = demo.purchases.filter((p) => p.customerId === other.id);
    expect(exported.purchases.map((p) => [p.id, p.productName, p.store, p.amount]).sort()).toEqual(purchases.map((p) => [p.id, p.productName, p.store, p.amount]).sort());
    const feedback = demo.feedback.filter((f) => f.customerId === other.id);
    expect(exported.feedback.map((f) => [f.id, f.body, f.rating]).sort()).toEqual(feedback.map((f) => [f.id, f.body, f.rating]).sort());
  });

  it('shows the erased customer with null personal fields and what remains', async () => {
    const res = await as('p-dpo', EXPORT, { id: erased.id }, 'compliance');
    expect(res.errors).toBeUndefined();
    const e = JSON.parse((res.data as { subjectExport: string }).subjectExport) as SubjectExport;
    expect(e.erased).toBe(true);
    expect(e.customer).toMatchObject({ id: erased.id, name: null, nameKana: null, email: null, phone: null, address: null, birthDate: null });
    expect(e.customer.erasedAt).not.toBeNull();
    expect(e.consents.every((c) => c.withdrawnAt !== null)).toBe(true);
    expect(e.feedback).toHaveLength(erasedFeedback.length);
    expect(e.feedback.every((f) => f.body === null && f.subject === null && f.note === null)).toBe(true);
    expect(e.purchases.every((p) => p.productName === null && p.store === null && p.amount > 0)).toBe(true);
  });

  it('prints the same document from koe subject export, records it, and exits 1 for an unknown id', async () => {
    const [ok, missing] = await Promise.all([koeCli(['subject', 'export', other.id, '--reason', REASON]), koeCli(['subject', 'export', '00000000-0000-4000-8000-000000000001'])]);
    expect(ok.stderr).not.toMatch(/koe:/);
    expect(ok.code).toBe(0);
    const printed = JSON.parse(ok.stdout) as SubjectExport;
    expect({ ...printed, exportedAt: null }).toEqual({ ...exported, exportedAt: null });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no customer "00000000-0000-4000-8000-000000000001"');
    const events = (await db.sql(`select resources, detail, purpose from audit_event where action = 'subject.export'`)) as Array<{ resources: string[]; detail: Record<string, unknown>; purpose: string }>;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ resources: [`Customer:${other.id}`], purpose: 'compliance', detail: { customerId: other.id, reason: REASON, via: 'cli' } });
  }, 60_000);
});

// KOE_MASTER_KEY comes from the vitest environment: the key ring the scratch database was sealed with.
const koeCli = (args: readonly string[]) => runKoe(args, koeCliEnv(db.url));
