/**
 * Query limits, refused before anything executes, at the gateway and straight at a subgraph alike.
 * Each case would pass the limit that counts per fragment definition rather than per use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, startTestKoe, type TestKoe } from '../support/koe.js';

let koe: TestKoe;
let auth: Record<string, string>;
beforeAll(async () => {
  koe = await startTestKoe();
  auth = { authorization: `Bearer ${await koe.token('p-analyst')}` };
});
afterAll(async () => koe?.stop());

const repeat = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(' ');

// Each query is valid against both the supergraph and the feedback subgraph.
const cases: Array<[string, string, string, number]> = [
  ['a deep query', `{ feedbacks(first: 1) { edges { node { customer { feedback(first: 1) { edges { node { customer { feedback(first: 1) { edges { node { customer { id } } } } } } } } } } } } }`, 'depth', 13],
  ['an alias bomb', `{ feedbacks(first: 1) { edges { node { ${repeat(40, (i) => `a${i}: id`)} } } } }`, 'aliases', 40],
  ['a fragment spread fifty times (aliases counted per use)', `fragment F on Feedback { x: id } { feedbacks(first: 1) { edges { node { ${repeat(50, () => '...F')} } } } }`, 'aliases', 50],
  ['nested fragment fan-out', `fragment A on Feedback { a: id b: body } fragment B on Feedback { ${repeat(8, () => '...A')} } fragment C on Feedback { ${repeat(8, () => '...B')} } { feedbacks(first: 1) { edges { node { ...C } } } }`, 'aliases', 128],
  ['many root fields', `{ ${repeat(11, () => '__typename')} }`, 'rootFields', 11],
  ['a huge token count', `{ feedbacks(first: 1) { edges { node { ${repeat(2100, () => 'id')} } } } }`, 'tokens', 0],
  ['a costly nesting of first: 100', `{ feedbacks(first: 100) { edges { node { customer { feedback(first: 100) { edges { node { id body } } } } } } } }`, 'cost', 0],
];

describe('query limits', () => {
  it.each(cases)('refuse %s at the gateway and at the subgraph, executing nothing', async (_name, query, limit, measured) => {
    for (const url of [koe.platform.gatewayUrl, koe.platform.subgraphUrls.feedback]) {
      koe.resetQueries();
      const { status, json } = await postGraphQL(url, { query }, auth);
      expect(status, url).toBe(400);
      expect(json.data).toBeUndefined();
      const ext = json.errors?.[0]?.extensions;
      expect(ext).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit });
      if (measured) expect(ext?.measured).toBe(measured);
      else expect(ext?.measured as number).toBeGreaterThan(ext?.max as number);
      expect(json.errors?.[0]?.message).toContain(limit);
      expect(koe.queries.filter((q) => /from "(feedback|customer)"/.test(q))).toEqual([]);
    }
  });

  it('let a normal dashboard query through', async () => {
    const dashboard = `query Dashboard { feedbacks(first: 100) { edges { node { id channel body receivedAt customer { id name email prefecture } } } } }`;
    const customers = `query Customers { customers(first: 100) { edges { node { id name email phone address prefecture } } } }`;
    for (const [url, query] of [[koe.platform.gatewayUrl, dashboard], [koe.platform.subgraphUrls.customers, customers]] as const) {
      const { status, json } = await postGraphQL(url, { query }, auth);
      expect(json.errors, url).toBeUndefined();
      expect(status).toBe(200);
      expect(Object.values(json.data as Record<string, { edges: unknown[] }>)[0]!.edges).toHaveLength(100);
    }
  });

  it('cost a variable page size by its value', async () => {
    const query = `query Page($n: Int) { feedbacks(first: $n) { edges { node { customer { feedback(first: 100) { edges { node { id } } } } } } } }`;
    const small = await postGraphQL(koe.platform.gatewayUrl, { query, variables: { n: 2 } }, auth);
    expect(small.status).toBe(200);
    const large = await postGraphQL(koe.platform.gatewayUrl, { query, variables: { n: 100 } }, auth);
    expect(large.json.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
  });

  // The cost of a document is remembered per what it reads of the variables: the same `_entities`
  // document must be costed by the number of representations of each call, not by the first call's.
  it('cost the same _entities document by the representations of each call', async () => {
    const query = 'query E($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { feedback(first: 100) { edges { node { id } } } } } }';
    const [{ id }] = (await koe.orm.em.getConnection().execute<Array<{ id: string }>>('select id from customer order by id limit 1')) as [{ id: string }];
    const reps = (n: number) => Array.from({ length: n }, () => ({ __typename: 'Customer', id }));
    const call = (n: number) => postGraphQL(koe.platform.subgraphUrls.feedback, { query, variables: { r: reps(n) } }, auth);
    for (const [n, status] of [[1, 200], [20, 400], [1, 200], [20, 400]] as const) {
      const res = await call(n);
      expect(res.status, `${n} representations: ${JSON.stringify(res.json).slice(0, 300)}`).toBe(status);
      // 1 + 20 × (feedback: 1 + 100 × (edges, node, id))
      if (status === 400) expect(res.json.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', measured: 1 + 20 * 301 });
    }
  });

  it('answer a body over the size limit with 413', async () => {
    const query = `{ feedbacks(first: 1) { edges { node { id } } } } #${'x'.repeat(300 * 1024)}`;
    for (const url of [koe.platform.gatewayUrl, koe.platform.subgraphUrls.customers]) {
      const { status, json } = await postGraphQL(url, { query }, auth);
      expect(status).toBe(413);
      expect(json.errors?.[0]?.extensions).toMatchObject({ limit: 'bodyBytes', max: 256 * 1024 });
    }
  });
});
