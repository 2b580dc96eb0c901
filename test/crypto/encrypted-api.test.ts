/**
 * Field encryption seen through the gateway: lookups by e-mail, phone and name still work through
 * blind indexes (normalised, exact), ordering by ciphertext is refused, text search opens bodies in
 * the app and pages on, maskers still receive plaintext, and writes store only ciphertext.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldCrypto } from '../../src/data/encryption/index.js';
import { maskEmail } from '../../src/policies/maskers/email.masker.js';
import { generateDemoData } from '../../src/data/seed/demo-data.js';
import { testCrypto } from '../support/crypto.js';
import { postGraphQL, startTestKoe, type TestKoe } from '../support/koe.js';

const demo = generateDemoData();
/** A seeded customer with a mobile number and a spaced name; no test changes seeded customers. */
const taro = demo.customers.find((c) => /^0[789]0-\d{4}-\d{4}$/.test(c.phone) && c.name.split(' ').length === 2)!;
/** A word found only in feedback bodies (never in a plain subject): a match proves the body was opened. */
const WORD = '配達';
const seededWithWord = demo.feedback.filter((f) => f.body.includes(WORD)).map((f) => f.id);

let koe: TestKoe;
let crypto: FieldCrypto;
beforeAll(async () => {
  koe = await startTestKoe();
  crypto = await testCrypto(koe.orm);
});
afterAll(async () => koe?.stop());

type Gql = Awaited<ReturnType<typeof postGraphQL>>['json'];

async function as(principal: string, query: string, variables: Record<string, unknown> = {}): Promise<Gql> {
  return (await postGraphQL(koe.platform.gatewayUrl, { query, variables }, { authorization: `Bearer ${await koe.token(principal)}` })).json;
}

const sql = <T>(q: string, params: unknown[] = []) => koe.orm.em.fork().getConnection().execute<T[]>(q, params);

const FIND = `query($f: CustomerFilter) { customers(first: 50, filter: $f) { totalCount edges { node { id name email phone } } } }`;
type Found = { customers: { totalCount: number; edges: Array<{ node: { id: string; name: string | null; email: string | null; phone: string | null } }> } };

describe('customers(filter) through blind indexes', () => {
  const lookups: Array<[string, Record<string, string>]> = [
    ['e-mail in another case with spaces', { email: `  ${taro.email.toUpperCase()} ` }],
    ['e-mail typed in full width', { email: taro.email.normalize('NFKC').replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0)) }],
    ['phone in the +81 form', { phone: `+81 ${taro.phone.slice(1)}` }],
    ['phone without dashes in full-width digits', { phone: taro.phone.replace(/-/g, '').replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)) }],
    ['name with a full-width space', { name: taro.name.replace(' ', '\u3000') }],
    ['name without its space', { name: taro.name.replace(' ', '') }],
  ];

  it.each(lookups)('admin finds the customer by %s, and reads plaintext back', async (_what, filter) => {
    const res = await as('p-admin', FIND, { f: filter });
    expect(res.errors).toBeUndefined();
    const nodes = (res.data as Found).customers.edges.map((e) => e.node);
    expect(nodes).toContainEqual({ id: taro.id, name: taro.name, email: taro.email, phone: taro.phone });
  });

  it('matches exactly, not by prefix or substring', async () => {
    for (const filter of [{ email: taro.email.slice(0, -1) }, { name: taro.name.split(' ')[0]! }, { phone: taro.phone.slice(0, 8) }]) {
      const res = await as('p-admin', FIND, { f: filter });
      expect(res.errors).toBeUndefined();
      expect((res.data as Found).customers.edges.map((e) => e.node.id)).not.toContain(taro.id);
    }
  });

  const refusals: Array<[string, string, Record<string, string>]> = [
    ['p-analyst', 'email', { email: taro.email }],
    ['p-analyst', 'phone', { phone: taro.phone }],
    ['p-analyst', 'name', { name: taro.name }],
    ['p-bi', 'email', { email: taro.email }],
    ['p-bi', 'phone', { phone: taro.phone }],
  ];

  it.each(refusals)('%s is refused (FORBIDDEN) a filter on %s, and learns nothing about the match', async (principal, field, filter) => {
    const res = await as(principal, FIND, { f: filter });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.data ?? null).toBeNull();
    expect(JSON.stringify(res)).not.toContain(taro.id);
    expect(JSON.stringify(res)).not.toContain(filter[field]);
  });
});

describe('customers(orderBy) on encrypted columns', () => {
  const ORDER = `query($o: CustomerOrder) { customers(first: 5, orderBy: $o) { edges { node { id } } } }`;

  it.each(['NAME', 'EMAIL'])('refuses ordering by %s for admin with BAD_USER_INPUT naming orderBy', async (field) => {
    const res = await as('p-admin', ORDER, { o: { field, direction: 'ASC' } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'orderBy' });
    expect(res.data ?? null).toBeNull();
  });

  it.each(['NAME', 'EMAIL'])('refuses ordering by %s for an analyst with FORBIDDEN (the policy speaks first)', async (field) => {
    const res = await as('p-analyst', ORDER, { o: { field } });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('still orders by a plain column', async () => {
    const res = await as('p-admin', ORDER, { o: { field: 'PREFECTURE', direction: 'DESC' } });
    expect(res.errors).toBeUndefined();
    expect((res.data as { customers: { edges: unknown[] } }).customers.edges).toHaveLength(5);
  });
});

describe('feedbacks(filter: {text}) over encrypted bodies', () => {
  const SEARCH = `query($t: String, $after: String) {
    feedbacks(first: 10, after: $after, filter: { text: $t }) { pageInfo { hasNextPage endCursor } edges { node { id subject body } } }
  }`;
  type Search = { feedbacks: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: { id: string; subject: string | null; body: string | null } }> } };

  it('finds feedback by a word of its body, and pages on with after until every match was seen once', async () => {
    expect(seededWithWord.length).toBeGreaterThan(10);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const res = await as('p-admin', SEARCH, { t: WORD, after });
      expect(res.errors).toBeUndefined();
      const { pageInfo, edges } = (res.data as Search).feedbacks;
      for (const { node } of edges) {
        expect(node.body).toContain(WORD);
        seen.push(node.id);
      }
      if (!pageInfo.hasNextPage) break;
      expect(pageInfo.endCursor).toBeTruthy();
      after = pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThan(10);
    for (const id of seededWithWord) expect(seen).toContain(id);
  });

  it('folds width and case like the text: a full-width Latin word finds its half-width form', async () => {
    const latin = demo.feedback.find((f) => /[A-Za-z]{3,}/.test(f.body) && !/[A-Za-z]{3,}/.test(f.subject ?? ''))!;
    const word = /[A-Za-z]{3,}/.exec(latin.body)![0];
    const wide = word.toUpperCase().replace(/[A-Z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
    const ids: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const res = await as('p-admin', SEARCH, { t: wide, after });
      expect(res.errors).toBeUndefined();
      const { pageInfo, edges } = (res.data as Search).feedbacks;
      ids.push(...edges.map((e) => e.node.id));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(ids).toContain(latin.id);
  });

  it.each([
    ['RATING', 'DESC'],
    ['RATING', 'ASC'],
    ['RECEIVED_AT', 'DESC'],
  ])('pages a search ordered by %s %s (nulls included) without losing or repeating a match, and counts them all', async (field, direction) => {
    const ORDERED = `query($t: String, $after: String, $o: FeedbackOrder) {
      feedbacks(first: 7, after: $after, orderBy: $o, filter: { text: $t }) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } }
    }`;
    const seen: string[] = [];
    let total = -1;
    let after: string | null = null;
    for (let page = 0; page < 30; page++) {
      const res = await as('p-admin', ORDERED, { t: WORD, after, o: { field, direction } });
      expect(res.errors).toBeUndefined();
      const f = (res.data as { feedbacks: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: { id: string } }> } }).feedbacks;
      total = f.totalCount;
      seen.push(...f.edges.map((e) => e.node.id));
      if (!f.pageInfo.hasNextPage) break;
      after = f.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of seededWithWord) expect(seen).toContain(id);
    expect(total).toBe(seen.length);
  });

  it('refuses a text search to an analyst (masked bodies) with FORBIDDEN', async () => {
    const res = await as('p-analyst', SEARCH, { t: WORD });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.data ?? null).toBeNull();
  });
});

describe('maskers receive decrypted values', () => {
  it('shows an analyst the masked e-mail, phone and birth year computed from the plaintext, never ciphertext', async () => {
    const res = await as('p-analyst', `query($id: ID!) { customer(id: $id) { id name email phone birthDate address } }`, { id: taro.id });
    expect(res.errors).toBeUndefined();
    const c = (res.data as { customer: Record<string, string | null> }).customer;
    expect(c.email).toBe(maskEmail(taro.email));
    expect(c.email).toMatch(/^.\*\*\*@/);
    expect(c.phone).toMatch(new RegExp(`${taro.phone.slice(-4)}$`));
    expect(c.phone).not.toBe(taro.phone);
    expect(c.birthDate).toContain(taro.birthDate.slice(0, 4));
    expect(c.birthDate).not.toBe(taro.birthDate);
    expect(c.address).toContain(taro.prefecture);
    expect(c.address).not.toBe(taro.address);
    expect(JSON.stringify(c)).not.toContain('ENC1:');
    expect(JSON.stringify(c)).not.toContain('***@***');
  });
});

describe('decryption across subgraphs', () => {
  it("opens a customer's fields reached from feedback (an entity reference) and their purchases", async () => {
    const fb = demo.feedback.find((f) => f.customerId === taro.id) ?? demo.feedback.find((f) => f.customerId !== null)!;
    const owner = demo.customers.find((c) => c.id === fb.customerId)!;
    const res = await as('p-admin', `query($id: ID!) { feedback(id: $id) { id body customer { id name email purchases { productName store } } } }`, { id: fb.id });
    expect(res.errors).toBeUndefined();
    const got = (res.data as { feedback: { body: string; customer: { id: string; name: string; email: string; purchases: Array<{ productName: string; store: string }> } } }).feedback;
    expect(got.body).toBe(fb.body);
    expect(got.customer).toMatchObject({ id: owner.id, name: owner.name, email: owner.email });
    const seeded = demo.purchases.filter((p) => p.customerId === owner.id).map((p) => ({ productName: p.productName, store: p.store }));
    expect(got.customer.purchases).toEqual(expect.arrayContaining(seeded));
    expect(JSON.stringify(got)).not.toContain('ENC1:');
  });
});

describe('writes store ciphertext', () => {
  const UPSERT = `mutation($in: UpsertCustomerInput!) { upsertCustomer(input: $in) { id } }`;
  const READ = `query($id: ID!) { customer(id: $id) { id name nameKana email phone address birthDate } }`;

  async function storedCustomer(id: string) {
    const [row] = await sql<Record<string, string | null>>(`select name, name_kana, email, phone, address, birth_date, email_bidx, phone_bidx, name_bidx from customer where id = ?`, [id]);
    return row!;
  }

  it.each(['p-admin', 'p-ingest'])('upsertCustomer as %s stores only ciphertext and blind indexes, and an admin reads plaintext back', async (principal) => {
    const tag = randomBytes(4).toString('hex');
    const input = {
      name: `暗号 太郎${tag}`,
      nameKana: 'アンゴウ タロウ',
      email: `crypt.${tag}@example.jp`,
      phone: `090-${tag.slice(0, 4).replace(/\D/g, '7').padEnd(4, '7')}-${String(parseInt(tag, 16) % 10000).padStart(4, '0')}`,
      address: `東京都千代田区暗号町1-2-3 ${tag}`,
      birthDate: '1990-04-01',
    };
    const res = await as(principal, UPSERT, { in: input });
    expect(res.errors).toBeUndefined();
    const id = (res.data as { upsertCustomer: { id: string } }).upsertCustomer.id;

    const row = await storedCustomer(id);
    for (const column of ['name', 'name_kana', 'email', 'phone', 'address', 'birth_date']) {
      expect(row[column]).toMatch(/^ENC1:[A-Za-z0-9_-]{38,}$/);
    }
    const stored = JSON.stringify(row);
    for (const v of Object.values(input)) expect(stored).not.toContain(v);
    expect(stored).not.toContain(tag);
    expect(row.email_bidx).toBe(crypto.blind('email', input.email));
    expect(row.phone_bidx).toBe(crypto.blind('phone', input.phone));
    expect(row.name_bidx).toBe(crypto.blind('name', input.name));

    const back = await as('p-admin', READ, { id });
    expect(back.errors).toBeUndefined();
    expect((back.data as { customer: unknown }).customer).toEqual({ id, ...input });
    const found = await as('p-admin', FIND, { f: { email: input.email.toUpperCase() } });
    expect((found.data as Found).customers.edges.map((e) => e.node.id)).toEqual([id]);
  });

  it('upsertCustomer on an existing customer re-seals the new values and moves the blind index', async () => {
    const tag = randomBytes(4).toString('hex');
    const first = await as('p-admin', UPSERT, { in: { name: `更新 前${tag}`, email: `before.${tag}@example.jp` } });
    const id = (first.data as { upsertCustomer: { id: string } }).upsertCustomer.id;
    const again = await as('p-admin', UPSERT, { in: { id, name: `更新 後${tag}`, email: `after.${tag}@example.jp`, phone: '03-1234-5678' } });
    expect(again.errors).toBeUndefined();
    const row = await storedCustomer(id);
    expect(row.email).toMatch(/^ENC1:/);
    expect(JSON.stringify(row)).not.toContain(tag);
    expect(row.email_bidx).toBe(crypto.blind('email', `after.${tag}@example.jp`));
    const old = await as('p-admin', FIND, { f: { email: `before.${tag}@example.jp` } });
    expect((old.data as Found).customers.edges).toEqual([]);
    const back = await as('p-admin', READ, { id });
    expect((back.data as { customer: Record<string, unknown> }).customer).toMatchObject({ name: `更新 後${tag}`, email: `after.${tag}@example.jp`, phone: '03-1234-5678' });
  });

  const SUBMIT = `mutation($in: SubmitFeedbackInput!) { submitFeedback(input: $in) { id } }`;

  it.each([
    ['from a customer', taro.id],
    ['from nobody in particular', null],
  ])('submitFeedback %s stores the body as ciphertext; admin reads and finds it', async (_what, customerId) => {
    const tag = randomBytes(4).toString('hex');
    const body = `暗号化テスト${tag}：商品が届きません。電話 090-5555-${String(parseInt(tag, 16) % 10000).padStart(4, '0')}`;
    const res = await as('p-ingest', SUBMIT, { in: { customerId, channel: 'WEB', body } });
    expect(res.errors).toBeUndefined();
    const id = (res.data as { submitFeedback: { id: string } }).submitFeedback.id;

    const [row] = await sql<{ body: string; customer_id: string | null }>(`select body, customer_id from feedback where id = ?`, [id]);
    expect(row!.customer_id).toBe(customerId);
    expect(row!.body).toMatch(/^ENC1:[A-Za-z0-9_-]{38,}$/);
    expect(row!.body).not.toContain(tag);

    const back = await as('p-admin', `query($id: ID!) { feedback(id: $id) { id body } }`, { id });
    expect(back.errors).toBeUndefined();
    expect((back.data as { feedback: unknown }).feedback).toEqual({ id, body });
    const found = await as('p-admin', `query($t: String) { feedbacks(first: 5, filter: { text: $t }) { edges { node { id } } } }`, { t: `暗号化テスト${tag}` });
    expect(found.errors).toBeUndefined();
    expect((found.data as { feedbacks: { edges: Array<{ node: { id: string } }> } }).feedbacks.edges.map((e) => e.node.id)).toEqual([id]);
  });
});
