/**
 * Compiled execution (graphql-jit) must answer exactly as graphql-js does: two customers subgraphs
 * on the same data, one per executor, get the same requests (guard decisions, FORBIDDEN errors with
 * their locations and paths, `_entities`, fragments, directives, bad variables) and must return the
 * same status and body, and record the same audit content.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEventEntity } from '../../src/data/entities/index.js';
import type { RunningHttp } from '../../src/server/http.js';
import { loadConfig } from '../../src/config/index.js';
import { startSubgraph } from '../../src/server/subgraph-server.js';
import { loadPolicy } from '../../src/server/policy.js';
import { POLICY_DIR, postGraphQL, startTestKoe, TEST_JWT_SECRET, TEST_PSEUDONYM_KEY, type TestKoe } from '../support/koe.js';
import { testCrypto } from '../support/crypto.js';
import { loadFixtures, type Fixtures } from '../support/records.js';

let koe: TestKoe;
let fx: Fixtures;
const servers: Partial<Record<'graphql-js' | 'graphql-jit', RunningHttp>> = {};
beforeAll(async () => {
  koe = await startTestKoe();
  fx = await loadFixtures(koe.orm);
  const deps = { orm: koe.orm, crypto: await testCrypto(koe.orm), jwtSecret: TEST_JWT_SECRET, pseudonymKey: TEST_PSEUDONYM_KEY, policy: await loadPolicy(POLICY_DIR), config: loadConfig() };
  servers['graphql-js'] = await startSubgraph('customers', { ...deps, executor: 'graphql-js' }, '127.0.0.1', 0);
  servers['graphql-jit'] = await startSubgraph('customers', { ...deps, executor: 'graphql-jit' }, '127.0.0.1', 0);
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
  await koe?.stop();
});

interface Answer {
  status: number;
  json: unknown;
  audit: unknown[];
}

async function ask(executor: 'graphql-js' | 'graphql-jit', principal: string, body: object): Promise<Answer> {
  const requestId = `jit-${executor}-${randomUUID()}`;
  const headers = { authorization: `Bearer ${await koe.token(principal)}`, 'x-request-id': requestId };
  const res = await postGraphQL(servers[executor]!.url, body, headers);
  const events = await koe.orm.em.fork().find(AuditEventEntity, { requestId }, { orderBy: { seq: 'asc' } });
  const audit = events.map(({ actorId, roles, action, outcome, operationName, operationHash, purpose, subgraph, resources, fields }) => ({
    actorId, roles, action, outcome, operationName, operationHash, purpose, subgraph, resources, fields,
  }));
  return { status: res.status, json: res.json, audit };
}

async function both(principal: string, body: object): Promise<Answer> {
  const js = await ask('graphql-js', principal, body);
  const jit = await ask('graphql-jit', principal, body);
  expect(jit).toEqual(js);
  return jit;
}

const PAGE = `query Page($first: Int!, $withKana: Boolean!) {
  customers(first: $first) {
    totalCount
    edges { node { __typename id ...Personal nameKana @include(if: $withKana) mail: email } }
  }
}
fragment Personal on Customer { name phone address birthDate }`;

describe('graphql-jit answers as graphql-js', () => {
  it('reads the executor from KOE_EXECUTOR, and refuses an unknown one', () => {
    expect(loadConfig({ KOE_EXECUTOR: 'graphql-js' }).executor).toBe('graphql-js');
    expect(loadConfig({ KOE_EXECUTOR: 'graphql-jit' }).executor).toBe('graphql-jit');
    expect(() => loadConfig({ KOE_EXECUTOR: 'jit' })).toThrow(/KOE_EXECUTOR/);
  });

  it.each(['p-analyst', 'p-support-east', 'p-admin'])('the same page, masks and decisions for %s', async (principal) => {
    const res = await both(principal, { query: PAGE, variables: { first: 20, withKana: true } });
    expect(res.status).toBe(200);
    expect(res.audit).toHaveLength(1);
  });

  it('the same FORBIDDEN errors (message, locations, path, code) and nulls for a denied role', async () => {
    const res = await both('p-bi', { query: PAGE, variables: { first: 5, withKana: false } });
    const errors = (res.json as { errors: Array<{ path: unknown[]; locations: unknown[]; extensions: { code: string } }> }).errors;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.extensions.code === 'FORBIDDEN' && e.locations.length === 1 && e.path.length === 5)).toBe(true);
    // Denied means no value: the denied fields are null.
    const node = (res.json as { data: { customers: { edges: Array<{ node: Record<string, unknown> }> } } }).data.customers.edges[0]!.node;
    expect([node.name, node.phone, node.mail]).toEqual([null, null, null]);
  });

  it('the same `_entities` answer, guarded per representation', async () => {
    const query = 'query E($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Customer { id name email phone } } }';
    const variables = { r: [fx.east, fx.west].map((c) => ({ __typename: 'Customer', id: c.id })) };
    const support = await both('p-support-east', { query, variables });
    expect(JSON.stringify(support.json)).toContain(fx.east.email);
    expect(JSON.stringify(support.json)).not.toContain(fx.west.email);
    const bi = await both('p-bi', { query, variables });
    expect(JSON.stringify(bi.json)).not.toContain(fx.east.email);
  });

  it.each([
    ['a variable of the wrong type', { query: PAGE, variables: { first: 'many', withKana: false } }],
    ['a missing required variable', { query: PAGE, variables: { first: 3 } }],
    ['an unknown operation name', { query: PAGE, operationName: 'Nope', variables: { first: 3, withKana: false } }],
  ])('the same refusal for %s', async (_what, body) => {
    const res = await both('p-analyst', body);
    expect(res.status).toBe(400);
  });

  it('the same introspection answer, and the same `_service` SDL', async () => {
    await both('p-admin', { query: '{ __schema { queryType { name } types { name kind fields { name type { name kind ofType { name } } } } } }' });
    await both('p-admin', { query: '{ __type(name: "Customer") { name fields { name } } _service { sdl } }' });
  });

  it('the same answer when one document holds two operations', async () => {
    const query = 'query A { customers(first: 2) { totalCount } } query B { customers(first: 3) { edges { node { id name } } } }';
    await both('p-analyst', { query, operationName: 'A' });
    await both('p-analyst', { query, operationName: 'B' });
  });
});
