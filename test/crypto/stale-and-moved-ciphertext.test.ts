/**
 * Two second lines of defence of field encryption, attacked through the API:
 * - after `requestErasure`, the instance that had the customer's key in its cache drops it: a
 *   ciphertext sealed under the old key and written back into the emptied row opens no more;
 * - a ciphertext is bound to its table, column and record: moved to another customer, another
 *   column or another feedback row, it reads null with DECRYPTION_FAILED, never the other plaintext.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldCrypto } from '../../src/data/encryption/index.js';
import { generateDemoData } from '../../src/data/seed/demo-data.js';
import { testCrypto } from '../support/crypto.js';
import { postAs, type GraphQLBody, type TestKoe } from '../support/koe.js';
import { seededScratchKoe, type ScratchKoeDb } from '../support/scratch-koe-db.js';

const OPTS = { customers: 12, feedback: 60 };
const demo = generateDemoData(OPTS);
const withFeedback = demo.customers.filter((c) => demo.feedback.some((f) => f.customerId === c.id));
const erased = withFeedback[0]!;
const erasedFeedback = demo.feedback.find((f) => f.customerId === erased.id)!;

let db: ScratchKoeDb;
let koe: TestKoe;
let stop: (() => Promise<void>) | undefined;
let crypto: FieldCrypto;
beforeAll(async () => {
  ({ db, koe, stop } = await seededScratchKoe(OPTS));
  crypto = await testCrypto(koe.orm); // the platform's own FieldCrypto, with its key cache
});
afterAll(() => stop?.());

const dpo = (query: string, variables: Record<string, unknown> = {}) => postAs(koe, 'p-dpo', query, variables, 'compliance');
const codes = (res: GraphQLBody) => [...new Set((res.errors ?? []).map((e) => e.extensions?.code))];

const CUSTOMER = 'query($id: ID!) { customer(id: $id) { id name email phone feedback(first: 50) { edges { node { id body } } } } }';
const FEEDBACK = 'query($id: ID!) { feedback(id: $id) { id body } }';

describe('a shredded key left in the cache of the instance that read it', () => {
  const PLANTED = { email: 'planted.after.erasure@example.jp', name: '復活 する名前', body: '消去後に書き戻された本文 090-0000-0000' };

  it('does not open a ciphertext sealed under the old key and written into the erased rows', async () => {
    // Warm the cache: this instance reads the customer, so it holds their unwrapped key.
    const before = await dpo(CUSTOMER, { id: erased.id });
    expect(before.errors).toBeUndefined();
    expect((before.data as { customer: { email: string } }).customer.email).toBe(erased.email);
    const oldKey = Buffer.from(crypto.cachedKey(erased.id)!);
    expect(oldKey.length).toBeGreaterThan(0);

    const erase = await dpo('mutation($id: ID!) { requestErasure(customerId: $id, reason: "APPI Art. 35 request, ref. T-20") { customerId } }', { id: erased.id });
    expect(erase.errors).toBeUndefined();

    // The attacker (or a bug, or a restored backup) writes ciphertexts sealed under the old key back.
    await db.sql('update customer set email = ?, name = ? where id = ?', [
      crypto.encrypt(oldKey, 'customer', 'email', erased.id, PLANTED.email),
      crypto.encrypt(oldKey, 'customer', 'name', erased.id, PLANTED.name),
      erased.id,
    ]);
    await db.sql('update feedback set body = ? where id = ?', [crypto.encrypt(oldKey, 'feedback', 'body', erasedFeedback.id, PLANTED.body), erasedFeedback.id]);

    for (const res of [await dpo(CUSTOMER, { id: erased.id }), await dpo(FEEDBACK, { id: erasedFeedback.id }), await postAs(koe, 'p-admin', CUSTOMER, { id: erased.id })]) {
      const text = JSON.stringify(res);
      for (const v of Object.values(PLANTED)) expect(text).not.toContain(v);
      for (const v of [erased.email, erased.name]) expect(text).not.toContain(v);
      expect(codes(res).every((c) => c === 'DATA_ERASED' || c === 'FORBIDDEN')).toBe(true);
    }
    const one = await dpo(CUSTOMER, { id: erased.id });
    expect((one.data as { customer: { email: string | null; name: string | null } }).customer).toMatchObject({ email: null, name: null });
    expect(codes(one)).toContain('DATA_ERASED');
    expect(crypto.cachedKey(erased.id)).toBeUndefined();
  });
});

describe('a ciphertext moved off its record, through the API', () => {
  // The owner has two feedback rows under one data key: only the record binding tells them apart.
  const owner = withFeedback.find((c) => c.id !== erased.id && demo.feedback.filter((f) => f.customerId === c.id).length >= 3)!;
  const victim = withFeedback.find((c) => c.id !== erased.id && c.id !== owner.id)!;
  const [ownerFeedback, sibling, third] = demo.feedback.filter((f) => f.customerId === owner.id) as [(typeof demo.feedback)[number], (typeof demo.feedback)[number], (typeof demo.feedback)[number]];
  const victimFeedback = demo.feedback.find((f) => f.customerId === victim.id)!;

  const expectFailedNotLeaked = (res: GraphQLBody, leaked: string[]) => {
    const text = JSON.stringify(res);
    for (const v of leaked) expect(text).not.toContain(v);
    expect(codes(res)).toContain('DECRYPTION_FAILED');
    expect(codes(res)).not.toContain('INTERNAL_SERVER_ERROR');
  };

  it("to another column of the same customer (email into phone): the phone reads null, never the e-mail", async () => {
    await db.sql('update customer set phone = email where id = ?', [owner.id]);
    const res = await dpo(CUSTOMER, { id: owner.id });
    const got = (res.data as { customer: { email: string; phone: string | null } }).customer;
    expect(got.phone).toBeNull();
    expect(got.email).toBe(owner.email); // the untouched column still opens
    expect(res.errors?.find((e) => e.extensions?.code === 'DECRYPTION_FAILED')?.path).toEqual(['customer', 'phone']);
  });

  it("to another customer's row (a name): that field reads null with DECRYPTION_FAILED", async () => {
    await db.sql('update customer set name = (select name from customer where id = ?) where id = ?', [owner.id, victim.id]);
    const res = await dpo(CUSTOMER, { id: victim.id });
    expectFailedNotLeaked(res, [owner.name]);
    expect((res.data as { customer: { name: string | null; email: string } }).customer).toMatchObject({ name: null, email: victim.email });
  });

  it("to another customer's feedback (a body): the body reads null with DECRYPTION_FAILED, in a lookup and a list", async () => {
    await db.sql('update feedback set body = (select body from feedback where id = ?) where id = ?', [ownerFeedback.id, victimFeedback.id]);
    const one = await dpo(FEEDBACK, { id: victimFeedback.id });
    expectFailedNotLeaked(one, [ownerFeedback.body]);
    expect(one.data).toEqual({ feedback: { id: victimFeedback.id, body: null } });
    const list = await dpo('query($c: ID) { feedbacks(first: 100, filter: { customerId: $c }) { edges { node { id body } } } }', { c: victim.id });
    expectFailedNotLeaked(list, [ownerFeedback.body]);
  });

  it('to another feedback row of the same customer (same data key): null, never the other body', async () => {
    await db.sql('update feedback set body = (select body from feedback where id = ?) where id = ?', [ownerFeedback.id, sibling.id]);
    const res = await dpo(FEEDBACK, { id: sibling.id });
    expectFailedNotLeaked(res, [ownerFeedback.body]);
    expect(res.data).toEqual({ feedback: { id: sibling.id, body: null } });
  });

  it("from a customer's column into a feedback body of the same owner: null, never the customer's value", async () => {
    const target = third;
    await db.sql('update feedback set body = (select email from customer where id = ?) where id = ?', [owner.id, target.id]);
    const res = await dpo(FEEDBACK, { id: target.id });
    expectFailedNotLeaked(res, [owner.email]);
    expect(res.data).toEqual({ feedback: { id: target.id, body: null } });
  });
});
