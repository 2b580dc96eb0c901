import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from 'graphql-request';
import { postGraphQL, startTestKoe, type TestKoe } from '../support/koe.js';

let koe: TestKoe;
let admin: Record<string, string>;
beforeAll(async () => {
  koe = await startTestKoe();
  admin = { authorization: `Bearer ${await koe.token('p-admin')}` };
});
afterAll(async () => koe?.stop());

type Conn = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ cursor: string; node: Record<string, unknown> }> };

async function customers(args: string): Promise<Conn> {
  const res = await postGraphQL(koe.platform.gatewayUrl, { query: `{ customers(${args}) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name prefecture createdAt teamId } } } }` }, admin);
  expect(res.json.errors).toBeUndefined();
  return (res.json.data as { customers: Conn }).customers;
}

describe('Relay connections', () => {
  it('walks every customer exactly once with opaque cursors, and totalCount agrees', async () => {
    const seen = new Set<string>();
    let after: string | null = null;
    let total = 0;
    for (let page = 0; page < 20; page++) {
      const conn: Conn = await customers(`first: 100${after ? `, after: "${after}"` : ''}, orderBy: { field: PREFECTURE, direction: DESC }`);
      total = conn.totalCount;
      for (const e of conn.edges) seen.add(e.node.id as string);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(total).toBeGreaterThanOrEqual(500);
    expect(seen.size).toBe(total);
  });

  it('filters in SQL and counts only the matching rows', async () => {
    const all = await customers('first: 5');
    const tokyo = await customers('first: 100, filter: { prefecture: "東京都" }');
    expect(tokyo.totalCount).toBeGreaterThan(0);
    expect(tokyo.totalCount).toBeLessThan(all.totalCount);
    expect(tokyo.edges.every((e) => e.node.prefecture === '東京都')).toBe(true);
  });

  it('orders feedback by rating with nulls last, across pages', async () => {
    const q = (after?: string) => ({ query: `{ feedbacks(first: 100, orderBy: { field: RATING, direction: DESC }${after ? `, after: "${after}"` : ''}) { pageInfo { endCursor hasNextPage } edges { node { rating } } } }` });
    const first = await postGraphQL(koe.platform.gatewayUrl, q(), admin);
    const page1 = (first.json.data as { feedbacks: Conn }).feedbacks;
    const second = await postGraphQL(koe.platform.gatewayUrl, q(page1.pageInfo.endCursor!), admin);
    const page2 = (second.json.data as { feedbacks: Conn }).feedbacks;
    const ratings = [...page1.edges, ...page2.edges].map((e) => e.node.rating as number);
    expect(ratings[0]).toBe(10);
    for (let i = 1; i < ratings.length; i++) expect(ratings[i]!).toBeLessThanOrEqual(ratings[i - 1]!);
  });
});

describe('bad input', () => {
  it.each([
    ['first over the cap', '{ customers(first: 101) { totalCount } }', 'first'],
    ['a negative first', '{ feedbacks(first: -1) { totalCount } }', 'first'],
    ['a malformed cursor', '{ customers(after: "not-a-cursor") { totalCount } }', 'after'],
    ['a malformed id', '{ customer(id: "1; drop table customer") { id } }', 'id'],
    ['a malformed customerId filter', '{ feedbacks(filter: { customerId: "x" }) { totalCount } }', 'filter.customerId'],
  ])('refuses %s with BAD_USER_INPUT naming the argument', async (_name, query, argument) => {
    const res = await postGraphQL(koe.platform.gatewayUrl, { query }, admin);
    const err = res.json.errors?.[0];
    expect(err?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(err?.extensions?.argument).toBe(argument);
  });

  it('refuses an unknown enum value with BAD_USER_INPUT', async () => {
    const res = await postGraphQL(koe.platform.gatewayUrl, { query: '{ feedbacks(filter: { channel: FAX }) { totalCount } }' }, admin);
    expect(res.json.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.json.errors?.[0]?.message).toContain('FAX');
  });

  it('never shows a stack trace or SQL text in a response', async () => {
    const queries = [
      '{ customers(after: "W251bGwsIngiXQ") { totalCount } }',
      '{ customer(id: "00000000-0000-4000-8000-000000000000") { id name } }',
      gql`{ feedbacks(filter: { text: "%" }) { totalCount } }`,
    ];
    for (const query of queries) {
      const res = await postGraphQL(koe.platform.gatewayUrl, { query }, admin);
      const text = JSON.stringify(res.json);
      expect(text).not.toMatch(/stacktrace|select |\bfrom "|at .*\.ts:\d+/i);
    }
  });
});
