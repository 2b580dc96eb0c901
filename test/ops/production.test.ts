/**
 * Production mode (forced on by option here): introspection for admins only, at the gateway and
 * at each subgraph; no "did you mean" hints that would rebuild the schema; internal errors masked
 * but carrying the request id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDatabaseUrl } from '../support/run-database.js';
import { openOrm, type MikroORM } from '../../src/data/orm.js';
import { testCrypto } from '../support/crypto.js';
import type { RequestAccess } from '../../src/request/access.js';
import { startPlatform, type Platform } from '../../src/server/platform.js';
import { accessFromPolicy, loadPolicy } from '../../src/server/policy.js';
import { POLICY_DIR, postGraphQL, TEST_JWT_SECRET, TEST_PSEUDONYM_KEY } from '../support/koe.js';
import { issueToken } from '../../src/auth/jwt.js';

let orm: MikroORM;
let platform: Platform;
const as = async (id: string) => ({ authorization: `Bearer ${await issueToken(TEST_JWT_SECRET, id)}` });

beforeAll(async () => {
  orm = await openOrm({ url: runDatabaseUrl() });
  const policy = await loadPolicy(POLICY_DIR);
  const real = accessFromPolicy(policy);
  // A policy engine that breaks on one field, to see how an internal error leaves the server.
  const accessFor = (p: Parameters<typeof real>[0], purpose: string | null): RequestAccess => {
    const access = real(p, purpose);
    const boom = () => {
      throw new Error('relation "secret_table" does not exist at 10.0.0.5');
    };
    // Both ways a decision is asked for: per record, and the guard's decider per field.
    return Object.assign(Object.create(access) as RequestAccess, {
      decide: (type: string, field: string, record: object) => (field === 'nameKana' ? boom() : access.decide(type, field, record)),
      decider: (type: string, field: string) => (field === 'nameKana' ? boom : access.decider(type, field)),
    });
  };
  platform = await startPlatform({
    orm,
    crypto: await testCrypto(orm),
    jwtSecret: TEST_JWT_SECRET,
    pseudonymKey: TEST_PSEUDONYM_KEY,
    policy,
    accessFor,
    ports: { gateway: 0, customers: 0, feedback: 0, audit: 0 },
    limits: { production: true },
  });
});
afterAll(async () => {
  await platform?.stop();
  await orm?.close(true);
});

const INTROSPECTION = [
  ['__schema', '{ __schema { types { name } } }'],
  ['__type', '{ __type(name: "Customer") { fields { name } } }'],
  ['__schema inside a fragment', 'query { ...Q } fragment Q on Query { __schema { queryType { name } } }'],
] as const;

describe('production mode', () => {
  it.each(INTROSPECTION)('refuses %s to an analyst at the gateway and at a subgraph', async (_name, query) => {
    for (const url of [platform.gatewayUrl, platform.subgraphUrls.customers]) {
      const { status, json } = await postGraphQL(url, { query }, await as('p-analyst'));
      expect(status, url).toBe(403);
      expect(json.data).toBeUndefined();
      expect(json.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('answers introspection for an admin', async () => {
    for (const url of [platform.gatewayUrl, platform.subgraphUrls.customers]) {
      const { status, json } = await postGraphQL(url, { query: INTROSPECTION[0][1] }, await as('p-admin'));
      expect(json.errors, url).toBeUndefined();
      expect(status).toBe(200);
    }
  });

  it('leaves __typename open', async () => {
    const { json } = await postGraphQL(platform.gatewayUrl, { query: '{ __typename }' }, await as('p-analyst'));
    expect(json.data).toEqual({ __typename: 'Query' });
  });

  it('gives no "did you mean" suggestions', async () => {
    const query = '{ customers(first: 1) { edges { node { emial } } } }';
    for (const url of [platform.gatewayUrl, platform.subgraphUrls.customers]) {
      const { status, json } = await postGraphQL(url, { query }, await as('p-analyst'));
      expect(status).toBe(400);
      expect(json.errors?.[0]?.message).toBe('Cannot query field "emial" on type "Customer".');
      expect(JSON.stringify(json)).not.toMatch(/did you mean|"email"/i);
    }
  });

  it('masks an internal error and names the request id instead', async () => {
    const query = '{ customers(first: 1) { edges { node { id nameKana } } } }';
    const rid = 'ops-test-request-0001';
    const { json } = await postGraphQL(platform.subgraphUrls.customers, { query }, { ...(await as('p-admin')), 'x-request-id': rid });
    const err = json.errors?.[0];
    expect(err?.message).toBe('Internal server error');
    expect(err?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: rid });
    expect(JSON.stringify(json)).not.toMatch(/secret_table|10\.0\.0\.5/);
  });
});
