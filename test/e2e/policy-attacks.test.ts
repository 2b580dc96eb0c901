/**
 * The attacker's paths around field decisions: aliases, fragments, `_entities` sent straight to a
 * subgraph, nested paths, and filters, orders and searches used as oracles on protected fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackEntity } from '../../src/data/entities/index.js';
import { unsealed } from '../support/crypto.js';
import { MASKERS } from '../../src/policies/maskers/index.js';
import { postGraphQL, startTestKoe, TEST_PSEUDONYM_KEY, type TestKoe } from '../support/koe.js';
import { loadFixtures, type Fixtures } from '../support/records.js';

let koe: TestKoe;
let fx: Fixtures;
beforeAll(async () => {
  koe = await startTestKoe();
  fx = await loadFixtures(koe.orm);
});
afterAll(async () => koe?.stop());

async function as(principal: string, query: string, variables: Record<string, unknown> = {}, url = koe.platform.gatewayUrl) {
  const res = await postGraphQL(url, { query, variables }, { authorization: `Bearer ${await koe.token(principal)}` });
  return { ...res.json, text: JSON.stringify(res.json), status: res.status };
}

const forbidden = (errors: Array<{ extensions?: Record<string, unknown> }> | undefined) =>
  (errors ?? []).filter((e) => e.extensions?.code === 'FORBIDDEN').length;

describe('aliases and fragments', () => {
  it('denies every alias of a DENIED field, one error per path', async () => {
    const r = await as('p-bi', 'query($id: ID!) { customer(id: $id) { a: name b: name c: email } }', { id: fx.east.id });
    expect(r.data).toEqual({ customer: { a: null, b: null, c: null } });
    expect(forbidden(r.errors)).toBe(3);
    expect(r.errors!.map((e) => e.path)).toEqual(expect.arrayContaining([['customer', 'a'], ['customer', 'b'], ['customer', 'c']]));
    expect(r.text).not.toContain(fx.east.name);
  });

  it('masks an aliased field as analyst, never the stored value', async () => {
    const r = await as('p-analyst', 'query($id: ID!) { customer(id: $id) { plain: email also: email } }', { id: fx.east.id });
    expect(r.text).not.toContain(fx.east.email);
    expect((r.data as { customer: { plain: string } }).customer.plain).toMatch(/^.\*\*\*@/);
  });

  it('denies through named and inline fragments', async () => {
    const q = `query($id: ID!) { customer(id: $id) { ...F ... on Customer { phone } } } fragment F on Customer { name address }`;
    const r = await as('p-bi', q, { id: fx.east.id });
    expect(r.data).toEqual({ customer: { name: null, address: null, phone: null } });
    expect(forbidden(r.errors)).toBe(3);
    for (const v of [fx.east.name, fx.east.address, fx.east.phone]) expect(r.text).not.toContain(v);
  });
});

describe('_entities straight to the subgraphs', () => {
  const entities = (type: string, fields: string) => `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${type} { id ${fields} } } }`;

  it('decides Customer fields as in any other path (bi: DENIED)', async () => {
    const r = await as('p-bi', entities('Customer', 'name email'), { r: [{ __typename: 'Customer', id: fx.east.id }] }, koe.platform.subgraphUrls.customers);
    expect(r.data).toEqual({ _entities: [{ id: fx.east.id, name: null, email: null }] });
    expect(forbidden(r.errors)).toBe(2);
  });

  it('masks for the analyst and shows the own team in plain to a support agent', async () => {
    const reps = { r: [{ __typename: 'Customer', id: fx.east.id }, { __typename: 'Customer', id: fx.west.id }] };
    const analyst = await as('p-analyst', entities('Customer', 'email'), reps, koe.platform.subgraphUrls.customers);
    expect(analyst.text).not.toContain(fx.east.email);
    expect(analyst.text).not.toContain(fx.west.email);
    const agent = await as('p-support-east', entities('Customer', 'email'), reps, koe.platform.subgraphUrls.customers);
    const got = (agent.data as { _entities: Array<{ email: string }> })._entities;
    expect(got[0]!.email).toBe(fx.east.email);
    expect(got[1]!.email).not.toBe(fx.west.email);
  });

  it('returns null for rows the caller may not see (marketing, non-consenting; auditor, any)', async () => {
    const m = await as('p-marketing', entities('Customer', 'email'), { r: [{ __typename: 'Customer', id: fx.notConsenting.id }, { __typename: 'Customer', id: fx.consenting.id }] }, koe.platform.subgraphUrls.customers);
    const got = (m.data as { _entities: Array<{ email: string } | null> })._entities;
    expect(got[0]).toBeNull();
    expect(got[1]!.email).toBe(fx.consenting.email);
    const a = await as('p-auditor', entities('Feedback', 'body'), { r: [{ __typename: 'Feedback', id: fx.eastFeedback.id }] }, koe.platform.subgraphUrls.feedback);
    expect(a.data).toEqual({ _entities: [null] });
    expect(a.text).not.toContain(fx.eastFeedback.body);
  });
});

describe('nested paths', () => {
  it('denies customer PII under feedback for bi, masks it for the analyst', async () => {
    const q = '{ feedbacks(first: 30) { edges { node { customer { name email } } } } }';
    const bi = await as('p-bi', q);
    const nodes = (bi.data as { feedbacks: { edges: Array<{ node: { customer: { name: null } | null } }> } }).feedbacks.edges;
    const withCustomer = nodes.filter((e) => e.node.customer).length;
    expect(withCustomer).toBeGreaterThan(0);
    expect(forbidden(bi.errors)).toBe(withCustomer * 2);
    const analyst = await as('p-analyst', q);
    expect(analyst.errors).toBeUndefined();
    expect(analyst.text).not.toMatch(/"email":"[^"*]+@/);
  });

  it('masks feedback bodies reached through Customer.feedback for another team', async () => {
    const q = 'query($id: ID!) { customer(id: $id) { feedback(first: 20) { edges { node { id body } } } } }';
    const r = await as('p-support-east', q, { id: fx.west.id });
    const nodes = (r.data as { customer: { feedback: { edges: Array<{ node: { id: string; body: string } }> } } }).customer.feedback.edges.map((e) => e.node);
    const rows = await koe.orm.em.fork().find(FeedbackEntity, { id: { $in: nodes.map((n) => n.id) } });
    const stored = new Map(await Promise.all(rows.map(async (f) => [f.id, (await unsealed(koe.orm, 'feedback', f)).body] as const)));
    expect(nodes.length).toBeGreaterThan(0);
    for (const n of nodes) expect(n.body).toBe(MASKERS.freeText(stored.get(n.id), { pseudonymKey: TEST_PSEUDONYM_KEY }));
    const own = await as('p-support-west', q, { id: fx.west.id });
    const ownNodes = (own.data as { customer: { feedback: { edges: Array<{ node: { id: string; body: string } }> } } }).customer.feedback.edges.map((e) => e.node);
    for (const n of ownNodes) expect(n.body).toBe(stored.get(n.id));
  });
});

describe('filters, orders and searches as oracles', () => {
  it.each([
    ['p-analyst', '{ customers(filter: { email: "x@example.com" }) { totalCount } }', 'filter.email'],
    ['p-analyst', '{ customers(filter: { phone: "090-1234-5678" }) { totalCount } }', 'filter.phone'],
    ['p-analyst', '{ customers(orderBy: { field: NAME }) { totalCount } }', 'orderBy'],
    ['p-bi', '{ customers(orderBy: { field: EMAIL, direction: DESC }) { edges { cursor } } }', 'orderBy'],
    ['p-bi', '{ customers(filter: { name: "山田 太郎" }) { totalCount } }', 'filter.name'],
    ['p-support-east', '{ customers(filter: { email: "x@example.com" }) { totalCount } }', 'filter.email'],
    ['p-marketing', '{ customers(orderBy: { field: NAME }) { totalCount } }', 'orderBy'],
    ['p-analyst', '{ feedbacks(filter: { text: "090" }) { totalCount } }', 'filter.text'],
    ['p-bi', '{ feedbacks(filter: { text: "@example" }) { totalCount } }', 'filter.text'],
    ['p-support-east', '{ feedbacks(filter: { text: "配送" }) { totalCount } }', 'filter.text'],
  ])('refuses %s the whole operation %s with FORBIDDEN', async (principal, query, argument) => {
    const r = await as(principal, query);
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(r.errors?.[0]?.extensions?.argument).toBe(argument);
  });

  it.each([
    ['p-admin', '{ customers(filter: { email: "EMAIL" }) { totalCount } }'],
    ['p-admin', '{ feedbacks(filter: { text: "配送" }) { totalCount } }'],
    ['p-analyst', '{ customers(filter: { prefecture: "東京都" }, orderBy: { field: PREFECTURE }) { totalCount } }'],
  ])('lets %s filter where it reads in plain: %s', async (principal, query) => {
    const r = await as(principal, query.replace('EMAIL', fx.east.email));
    expect(r.errors).toBeUndefined();
  });

  it('lets the DPO search by e-mail only with the compliance purpose', async () => {
    const q = { query: `{ customers(filter: { email: "${fx.east.email}" }) { totalCount edges { node { id } } } }` };
    const auth = { authorization: `Bearer ${await koe.token('p-dpo')}` };
    const without = await postGraphQL(koe.platform.gatewayUrl, q, auth);
    expect(without.json.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const withPurpose = await postGraphQL(koe.platform.gatewayUrl, q, { ...auth, 'x-koe-purpose': 'compliance' });
    expect((withPurpose.json.data as { customers: { totalCount: number } }).customers.totalCount).toBe(1);
  });

  it('refuses an undeclared purpose with BAD_USER_INPUT', async () => {
    const res = await postGraphQL(koe.platform.subgraphUrls.customers, { query: '{ customers { totalCount } }' }, { authorization: `Bearer ${await koe.token('p-dpo')}`, 'x-koe-purpose': 'curiosity' });
    expect(res.json.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.json.data ?? null).toBeNull();
  });
});

describe('mutations', () => {
  it.each([
    ['p-analyst', 'mutation { submitFeedback(input: { channel: WEB, body: "テスト" }) { id } }'],
    ['p-bi', 'mutation($id: ID!) { updateFeedbackStatus(id: $id, status: RESOLVED) { id } }'],
    ['p-marketing', 'mutation { upsertCustomer(input: { name: "x", email: "x@example.com" }) { id } }'],
    ['p-auditor', 'mutation($id: ID!) { updateFeedbackStatus(id: $id, status: RESOLVED) { id } }'],
    ['p-support-east', 'mutation { submitFeedback(input: { channel: WEB, body: "テスト" }) { id } }'],
  ])('refuses %s: %s', async (principal, query) => {
    const r = await as(principal, query, { id: fx.eastFeedback.id });
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(r.data ?? null).toBeNull();
  });

  it("lets a support agent change only the own team's feedback status", async () => {
    const q = 'mutation($id: ID!) { updateFeedbackStatus(id: $id, status: IN_PROGRESS) { id status } }';
    const other = await as('p-support-east', q, { id: fx.westFeedback.id });
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const own = await as('p-support-east', q, { id: fx.eastFeedback.id });
    expect(own.data).toEqual({ updateFeedbackStatus: { id: fx.eastFeedback.id, status: 'IN_PROGRESS' } });
  });

  it('guards the mutation payload: ingest writes feedback but cannot read its body back', async () => {
    const r = await as('p-ingest', `mutation($c: ID) { submitFeedback(input: { customerId: $c, channel: WEB, body: "電話番号は090-1111-2222です", rating: 3 }) { id status body } }`, { c: fx.east.id });
    expect((r.data as { submitFeedback: { status: string; body: null } }).submitFeedback).toMatchObject({ status: 'OPEN', body: null });
    expect(forbidden(r.errors)).toBe(1);
    expect(r.text).not.toContain('090-1111-2222');
  });
});

describe('lists under a visible customer', () => {
  // Regression: consents and purchases were loaded by customer id alone, bypassing their own row rules.
  it('shows marketing only the marketing consent of a consenting customer', async () => {
    const r = await as('p-marketing', 'query($id: ID!) { customer(id: $id) { consents { purpose withdrawnAt } } }', { id: fx.consenting.id });
    const consents = (r.data as { customer: { consents: Array<{ purpose: string; withdrawnAt: string | null }> } }).customer.consents;
    expect(consents).toEqual([{ purpose: 'marketing', withdrawnAt: null }]);
  });

  it('masks purchases for the analyst: amounts kept, product names hidden', async () => {
    const r = await as('p-analyst', '{ customers(first: 50) { edges { node { purchases { amount productName store } } } } }');
    const purchases = (r.data as { customers: { edges: Array<{ node: { purchases: Array<{ amount: number; productName: string; store: string }> } }> } }).customers.edges.flatMap((e) => e.node.purchases);
    expect(purchases.length).toBeGreaterThan(0);
    for (const p of purchases) expect(p).toMatchObject({ productName: '***', store: '***', amount: expect.any(Number) });
  });

  it('denies purchases to bi entirely', async () => {
    const r = await as('p-bi', 'query($id: ID!) { customer(id: $id) { purchases { amount } } }', { id: fx.east.id });
    expect((r.data as { customer: { purchases: null } }).customer.purchases).toBeNull();
    expect(forbidden(r.errors)).toBe(1);
  });
});
