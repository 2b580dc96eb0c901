import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from 'graphql-request';
import { dataQueries } from '../support/audit-queries.js';
import { postGraphQL, startTestKoe, type TestKoe } from '../support/koe.js';
import { testCrypto } from '../support/crypto.js';

let koe: TestKoe;
beforeAll(async () => {
  koe = await startTestKoe();
});
afterAll(async () => koe?.stop());

const FEEDBACK_WITH_CUSTOMERS = gql`
  query Dashboard($first: Int) {
    feedbacks(first: $first) {
      edges { node { id channel body receivedAt customer { id name email prefecture } } }
    }
  }
`;

interface FeedbackPage {
  feedbacks: { edges: Array<{ node: { id: string; channel: string; customer: { id: string; name: string | null } | null } }> };
}

describe('the gateway over three subgraphs', () => {
  it('returns feedback with its customers resolved from the customers subgraph', async () => {
    const client = await koe.client('p-admin');
    const data = await client.request<FeedbackPage>(FEEDBACK_WITH_CUSTOMERS, { first: 20 });
    expect(data.feedbacks.edges).toHaveLength(20);
    const withCustomer = data.feedbacks.edges.filter((e) => e.node.customer);
    expect(withCustomer.length).toBeGreaterThan(10);
    for (const e of withCustomer) expect(e.node.customer!.name).toMatch(/\S+ \S+/);
  });

  it('uses the same number of SQL statements for 10 and for 100 feedback items (no N+1)', async () => {
    const client = await koe.client('p-admin');
    const count = async (first: number) => {
      // Cold key cache both times: the data keys are fetched too, once per subgraph, not per row.
      (await testCrypto(koe.orm)).forgetAll();
      koe.resetQueries();
      const data = await client.request<FeedbackPage>(FEEDBACK_WITH_CUSTOMERS, { first });
      expect(data.feedbacks.edges).toHaveLength(first);
      // Each subgraph's audit append (a constant 5 statements) is not part of the data path counted here.
      return dataQueries(koe.queries).length;
    };
    const ten = await count(10);
    const hundred = await count(100);
    expect(hundred).toBe(ten);
    expect(ten).toBeLessThanOrEqual(8);
    const keyReads = koe.queries.filter((q) => /from data_key/.test(q)).length;
    expect(keyReads).toBeGreaterThan(0);
    expect(keyReads).toBeLessThanOrEqual(2);
  });

  it('batches Customer.feedback across customers in one statement', async () => {
    const client = await koe.client('p-admin');
    const query = gql`{ customers(first: 50) { edges { node { id feedback(first: 2) { totalCount edges { node { id receivedAt } } } } } } }`;
    koe.resetQueries();
    const data = await client.request<{ customers: { edges: Array<{ node: { feedback: { totalCount: number; edges: Array<{ node: { receivedAt: string } }> } } }> } }>(query);
    const feedbackSelects = koe.queries.filter((q) => /from "feedback"/.test(q));
    expect(feedbackSelects.length).toBeLessThanOrEqual(2);
    const lists = data.customers.edges.map((e) => e.node.feedback);
    expect(lists.some((l) => l.totalCount > 2 && l.edges.length === 2)).toBe(true);
    for (const l of lists) {
      const times = l.edges.map((e) => e.node.receivedAt);
      expect([...times].sort().reverse()).toEqual(times);
    }
  });
});

describe('credentials', () => {
  const query = { query: '{ me { id roles } }' };
  const urls = () => ({ gateway: koe.platform.gatewayUrl, ...koe.platform.subgraphUrls });

  it.each([
    ['no header', {}],
    ['a malformed scheme', { authorization: 'Basic Zm9vOmJhcg==' }],
    ['a forged token', { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwLWFkbWluIn0.c2lnbmF0dXJl' }],
    ['an alg:none token', { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJwLWFkbWluIn0.' }],
  ])('refuses %s with 401 UNAUTHENTICATED on the gateway and every subgraph', async (_name, headers) => {
    for (const [where, url] of Object.entries(urls())) {
      const res = await postGraphQL(url, query, headers as Record<string, string>);
      expect(res.status, where).toBe(401);
      expect(res.json.errors?.[0]?.extensions?.code, where).toBe('UNAUTHENTICATED');
      expect(res.json.data ?? null, where).toBeNull();
    }
  });

  it('refuses an expired token, an unknown principal and a disabled principal', async () => {
    const expired = await koe.token('p-admin', -60);
    const unknown = await koe.token('p-nobody');
    const leaver = await koe.token('p-leaver');
    for (const token of [expired, unknown, leaver]) {
      for (const url of Object.values(urls())) {
        const res = await postGraphQL(url, query, { authorization: `Bearer ${token}` });
        expect(res.status).toBe(401);
        expect(res.json.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      }
    }
  });

  it('resolves _entities sent straight to the customers subgraph, and only with a credential', async () => {
    const ids = (await (await koe.client('p-admin')).request<{ customers: { edges: Array<{ node: { id: string } }> } }>(
      gql`{ customers(first: 2) { edges { node { id } } } }`,
    )).customers.edges.map((e) => e.node.id);
    const body = {
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id name } } }',
      variables: { r: ids.map((id) => ({ __typename: 'Customer', id })) },
    };
    const anonymous = await postGraphQL(koe.platform.subgraphUrls.customers, body);
    expect(anonymous.status).toBe(401);
    expect(JSON.stringify(anonymous.json)).not.toContain('name":"');
    const ok = await postGraphQL(koe.platform.subgraphUrls.customers, body, { authorization: `Bearer ${await koe.token('p-admin')}` });
    expect(ok.status).toBe(200);
    const entities = (ok.json.data as { _entities: Array<{ id: string; name: string }> })._entities;
    expect(entities.map((e) => e.id)).toEqual(ids);
  });
});

describe('caching of answers', () => {
  it('marks every answer no-store, on the gateway and a subgraph, for data and for refusals alike', async () => {
    const token = await koe.token('p-admin');
    const ask = (url: string, authorization?: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify({ query: '{ customers(first: 1) { edges { node { name } } } }' }) });
    for (const url of [koe.platform.gatewayUrl, koe.platform.subgraphUrls.customers]) {
      const ok = await ask(url, `Bearer ${token}`);
      expect(ok.status, url).toBe(200);
      expect(ok.headers.get('cache-control'), url).toBe('no-store');
      const refused = await ask(url);
      expect(refused.status, url).toBe(401);
      expect(refused.headers.get('cache-control'), url).toBe('no-store');
    }
  });
});
