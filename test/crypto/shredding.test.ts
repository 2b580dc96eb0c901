/**
 * Crypto-shredding: deleting one customer's data key erases their personal fields for good. The API
 * answers with the rest of the page intact and a DATA_ERASED error per erased field of that customer
 * only; the rows still hold ciphertext that no key left in the database opens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataKeyAad, decryptField, fieldAad } from '../../src/crypto/index.js';
import type { FieldCrypto } from '../../src/data/encryption/index.js';
import { generateDemoData } from '../../src/data/seed/demo-data.js';
import { testCrypto, testKeyProvider } from '../support/crypto.js';
import { postGraphQL, type TestKoe } from '../support/koe.js';
import { seededScratchKoe, type ScratchKoeDb } from '../support/scratch-koe-db.js';

const OPTS = { customers: 30, feedback: 100 };
const demo = generateDemoData(OPTS);
/** The customer to erase: one with feedback, so both subgraphs are exercised. */
const erased = demo.customers.find((c) => demo.feedback.some((f) => f.customerId === c.id))!;
const erasedFeedback = demo.feedback.filter((f) => f.customerId === erased.id);

let db: ScratchKoeDb;
let koe: TestKoe;
let stop: (() => Promise<void>) | undefined;
let crypto: FieldCrypto;
beforeAll(async () => {
  ({ db, koe, stop } = await seededScratchKoe(OPTS));
  // The FieldCrypto the platform uses: shredding through it evicts the key from its cache too.
  crypto = await testCrypto(koe.orm);
});
afterAll(() => stop?.());

type Gql = Awaited<ReturnType<typeof postGraphQL>>['json'];
async function asAdmin(query: string, variables: Record<string, unknown> = {}): Promise<Gql> {
  return (await postGraphQL(koe.platform.gatewayUrl, { query, variables }, { authorization: `Bearer ${await koe.token('p-admin')}` })).json;
}

const PAGE = `{ customers(first: 100) { totalCount edges { node { id name email prefecture } } } }`;
type Page = { customers: { totalCount: number; edges: Array<{ node: { id: string; name: string | null; email: string | null; prefecture: string | null } }> } };

describe('FieldCrypto.shred', () => {
  it('reads every customer in plaintext before the shred (the key is warm in the cache)', async () => {
    const res = await asAdmin(PAGE);
    expect(res.errors).toBeUndefined();
    const e = (res.data as Page).customers.edges.find((x) => x.node.id === erased.id)!;
    expect(e.node).toMatchObject({ name: erased.name, email: erased.email });
    expect(crypto.cachedKey(erased.id)).toBeDefined();
  });

  it('erases one customer: their fields read null with DATA_ERASED, everyone else on the page is intact', async () => {
    expect(await crypto.shred(koe.orm.em.fork(), erased.id)).toBe(true);
    expect(crypto.cachedKey(erased.id)).toBeUndefined();
    // A second shred finds nothing to delete.
    expect(await crypto.shred(koe.orm.em.fork(), erased.id)).toBe(false);

    const res = await asAdmin(PAGE);
    const page = (res.data as Page).customers;
    expect(page.totalCount).toBe(demo.customers.length);
    expect(page.edges).toHaveLength(demo.customers.length);
    const index = page.edges.findIndex((x) => x.node.id === erased.id);
    expect(page.edges[index]!.node).toEqual({ id: erased.id, name: null, email: null, prefecture: erased.prefecture });

    const errors = res.errors ?? [];
    expect(errors.map((e) => [e.extensions?.code, e.path]).sort()).toEqual(
      [
        ['DATA_ERASED', ['customers', 'edges', index, 'node', 'email']],
        ['DATA_ERASED', ['customers', 'edges', index, 'node', 'name']],
      ].sort(),
    );
    for (const e of errors) expect(e.message).not.toMatch(/ENC1|[A-Za-z0-9_-]{40,}/);

    for (const c of demo.customers) {
      if (c.id === erased.id) continue;
      expect(page.edges.find((x) => x.node.id === c.id)?.node).toEqual({ id: c.id, name: c.name, email: c.email, prefecture: c.prefecture });
    }
  });

  it("erases the customer's feedback bodies too, and only theirs", async () => {
    const res = await asAdmin(`{ feedbacks(first: 100) { edges { node { id body channel customer { id } } } } }`);
    const edges = (res.data as { feedbacks: { edges: Array<{ node: { id: string; body: string | null; channel: string; customer: { id: string } | null } }> } }).feedbacks.edges;
    expect(edges).toHaveLength(demo.feedback.length);
    const erasedPaths: unknown[] = [];
    edges.forEach((e, i) => {
      const seeded = demo.feedback.find((f) => f.id === e.node.id)!;
      if (seeded.customerId === erased.id) {
        expect(e.node.body).toBeNull();
        expect(e.node.channel).toBe(seeded.channel);
        erasedPaths.push(['feedbacks', 'edges', i, 'node', 'body']);
      } else {
        expect(e.node.body).toBe(seeded.body);
      }
    });
    expect(erasedPaths).toHaveLength(erasedFeedback.length);
    const codes = (res.errors ?? []).map((e) => [e.extensions?.code, e.path]);
    expect(codes).toEqual(erasedPaths.map((p) => ['DATA_ERASED', p]));
  });

  it('answers one erased customer by id with DATA_ERASED per personal field and the plain fields intact', async () => {
    const res = await asAdmin(`query($id: ID!) { customer(id: $id) { id prefecture phone address birthDate } }`, { id: erased.id });
    expect(res.data).toEqual({ customer: { id: erased.id, prefecture: erased.prefecture, phone: null, address: null, birthDate: null } });
    expect((res.errors ?? []).map((e) => e.extensions?.code)).toEqual(['DATA_ERASED', 'DATA_ERASED', 'DATA_ERASED']);
  });

  it('no longer finds the erased customer by a text search of their feedback', async () => {
    const words = erasedFeedback[0]!.body.slice(0, 12);
    const res = await asAdmin(`query($t: String) { feedbacks(first: 50, filter: { text: $t }) { edges { node { id } } } }`, { t: words });
    expect(res.errors).toBeUndefined();
    const ids = (res.data as { feedbacks: { edges: Array<{ node: { id: string } }> } }).feedbacks.edges.map((e) => e.node.id);
    for (const f of erasedFeedback) if (!(f.subject ?? '').includes(words)) expect(ids).not.toContain(f.id);
  });

  it('leaves ciphertext in the rows that no data key left in the database opens', async () => {
    const [customer] = await db.sql(`select name, email, phone, address from customer where id = ?`, [erased.id]) as Array<Record<string, string>>;
    const bodies = (await db.sql(`select id, body from feedback where customer_id = ?`, [erased.id])) as Array<{ id: string; body: string }>;
    expect(Object.values(customer!).every((v) => v.startsWith('ENC1:'))).toBe(true);
    expect(bodies).toHaveLength(erasedFeedback.length);
    for (const b of bodies) expect(b.body).toMatch(/^ENC1:/);
    expect(await db.sql(`select 1 from data_key where owner_id = ?`, [erased.id])).toHaveLength(0);

    // Every remaining data key, unwrapped for its own owner, fails on the erased customer's values.
    const provider = testKeyProvider();
    const keys = (await db.sql(`select owner_id, wrapped, kek_version from data_key`)) as Array<{ owner_id: string; wrapped: string; kek_version: number }>;
    expect(keys.length).toBeGreaterThanOrEqual(demo.customers.length); // every other customer, plus the shared key
    let attempts = 0;
    for (const k of keys) {
      const dataKey = provider.unwrap({ kekVersion: Number(k.kek_version), wrapped: Buffer.from(k.wrapped, 'base64') }, dataKeyAad(k.owner_id));
      expect(() => decryptField(dataKey, customer!.email!, fieldAad('customer', 'email', erased.id))).toThrow();
      expect(() => decryptField(dataKey, customer!.name!, fieldAad('customer', 'name', erased.id))).toThrow();
      for (const b of bodies) expect(() => decryptField(dataKey, b.body, fieldAad('feedback', 'body', b.id))).toThrow();
      attempts++;
    }
    expect(attempts).toBe(keys.length);
  });

  it('a fresh FieldCrypto (another process) also reads the customer as erased: the key is gone from the database', async () => {
    const { FieldCrypto } = await import('../../src/data/encryption/index.js');
    const other = await FieldCrypto.open(db.orm.em.fork(), testKeyProvider());
    const keys = await other.loadKeys(db.orm.em.fork(), [erased.id, demo.customers.find((c) => c.id !== erased.id)!.id]);
    expect(keys.has(erased.id)).toBe(false);
    expect(keys.size).toBe(1);
  });

  it("keeps the erased customer's purchases as rows with their plain amounts, the encrypted names erased", async () => {
    const res = await asAdmin(`query($id: ID!) { customer(id: $id) { id purchases { amount productName } } }`, { id: erased.id });
    const codes = (res.errors ?? []).map((e) => e.extensions?.code);
    const purchases = (res.data as { customer: { purchases: Array<{ amount: number; productName: string | null }> | null } }).customer.purchases;
    const seeded = demo.purchases.filter((p) => p.customerId === erased.id);
    expect(seeded.length).toBeGreaterThan(0);
    expect(codes.every((c) => c === 'DATA_ERASED')).toBe(true);
    // Purchase.productName is non-null in the schema: an erased one nulls the whole list, amounts included.
    expect(purchases?.map((p) => p.amount).sort()).toEqual(seeded.map((p) => p.amount).sort());
  });
});

describe('tampering', () => {
  const victim = demo.customers.find((c) => c.id !== erased.id)!;
  const donor = demo.customers.find((c) => c.id !== erased.id && c.id !== victim.id)!;

  it('a ciphertext moved onto another customer reads DECRYPTION_FAILED for that field only', async () => {
    await db.sql(`update customer set email = (select email from customer where id = ?) where id = ?`, [donor.id, victim.id]);
    const res = await asAdmin(PAGE);
    const page = (res.data as Page).customers;
    const index = page.edges.findIndex((x) => x.node.id === victim.id);
    expect(page.edges[index]!.node).toEqual({ id: victim.id, name: victim.name, email: null, prefecture: victim.prefecture });
    const failed = (res.errors ?? []).filter((e) => e.extensions?.code === 'DECRYPTION_FAILED');
    expect(failed.map((e) => e.path)).toEqual([['customers', 'edges', index, 'node', 'email']]);
    expect(page.edges.find((x) => x.node.id === donor.id)!.node.email).toBe(donor.email);
  });

  // Regression guard: one bad data_key row must not take the whole page (or every customer of the batch) down.
  it("a data key row copied from another owner fails that owner's fields only, the rest of the page intact", async () => {
    const third = demo.customers.find((c) => ![erased.id, victim.id, donor.id].includes(c.id))!;
    await db.sql(`update data_key set wrapped = (select wrapped from data_key where owner_id = ?) where owner_id = ?`, [donor.id, third.id]);
    crypto.forgetAll(); // as after the TTL: keys are read from the database again
    const res = await asAdmin(PAGE);
    const page = (res.data as Page | null)?.customers;
    const unreadable = page?.edges.filter((x) => x.node.email === null).map((x) => x.node.id) ?? [];
    const codes = [...new Set(res.errors?.map((e) => e.extensions?.code))];
    // Only the erased customer, the victim of the moved ciphertext and the owner of the bad key row.
    expect({ unreadable: unreadable.length, codes }).toEqual({ unreadable: 3, codes: expect.not.arrayContaining(['INTERNAL_SERVER_ERROR']) });
    expect(page?.edges.find((x) => x.node.id === donor.id)?.node.email).toBe(donor.email);
    expect(unreadable).toContain(third.id);
  });
});

describe('an erased customer written again', () => {
  // Regression guard: an upsert with the id of an erased customer must not make their old,
  // erased feedback look tampered with (DECRYPTION_FAILED) instead of erased (DATA_ERASED).
  it('refuses the write and leaves the old feedback erased (DATA_ERASED), not failing its integrity check', async () => {
    const up = await (await postGraphQL(
      koe.platform.gatewayUrl,
      { query: `mutation($in: UpsertCustomerInput!) { upsertCustomer(input: $in) { id } }`, variables: { in: { id: erased.id, name: '再登録 太郎', email: 'again@example.jp' } } },
      { authorization: `Bearer ${await koe.token('p-ingest')}` },
    )).json;
    const res = await asAdmin(`query($id: ID!) { customer(id: $id) { id name feedback(first: 50) { edges { node { id body } } } } }`, { id: erased.id });
    const codes = [...new Set((res.errors ?? []).map((e) => e.extensions?.code))];
    // The write is refused (an erased customer stays erased) and the old data still reads as erased.
    expect({ upsertErrors: up.errors?.map((e) => e.extensions?.code) ?? [], feedbackCodes: codes }).toEqual({ upsertErrors: ['BAD_USER_INPUT'], feedbackCodes: ['DATA_ERASED'] });
    expect(up.errors?.[0]?.extensions?.argument).toBe('input.id');
    expect(JSON.stringify(res)).not.toContain('再登録');
  });
});

describe('feedback submitted for an erased customer', () => {
  // Regression guard: ingestion that still knows an erased customer's id must not quietly give them
  // a new data key, which turns their erased data into "tampered" data (DECRYPTION_FAILED).
  it("leaves the customer's old data erased (DATA_ERASED)", async () => {
    const gone = demo.customers.find((c) => c.id !== erased.id && demo.feedback.filter((f) => f.customerId === c.id).length > 0 && c.id !== demo.customers[1]!.id)!;
    expect(await crypto.shred(koe.orm.em.fork(), gone.id)).toBe(true);
    const submitted = (await postGraphQL(
      koe.platform.gatewayUrl,
      { query: `mutation($in: SubmitFeedbackInput!) { submitFeedback(input: $in) { id } }`, variables: { in: { customerId: gone.id, channel: 'WEB', body: 'まだ届きません' } } },
      { authorization: `Bearer ${await koe.token('p-ingest')}` },
    )).json;
    expect(submitted.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.customerId' });
    const res = await asAdmin(`query($id: ID!) { customer(id: $id) { id name email } }`, { id: gone.id });
    expect([...new Set((res.errors ?? []).map((e) => e.extensions?.code))]).toEqual(['DATA_ERASED']);
  });
});

