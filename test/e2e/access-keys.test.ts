/**
 * API keys end to end: `Authorization: ApiKey <key>` works on the gateway and every subgraph, only
 * a hash is stored, and a revoked or expired key, or a disabled owner, is refused with 401.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, listApiKeys, revokeApiKey } from '../../src/auth/api-key-admin.js';
import { changeAccess } from '../../src/auth/access-change.js';
import type { AccessActor } from '../../src/auth/access-event.js';
import { ApiKeyEntity, AuditEventEntity, PrincipalEntity } from '../../src/data/entities/index.js';
import { issueToken } from '../../src/auth/jwt.js';
import { loadPolicy } from '../../src/server/policy.js';
import { POLICY_DIR, postGraphQL, startTestKoe, TEST_JWT_SECRET, type TestKoe } from '../support/koe.js';

let koe: TestKoe;
beforeAll(async () => {
  koe = await startTestKoe();
});
afterAll(async () => koe?.stop());

const ACTOR: AccessActor = { id: 'p-admin', roles: ['admin'], policyVersion: 'test', via: 'cli' };

async function newPrincipal(roles: string[]): Promise<string> {
  const id = `t-key-${randomBytes(4).toString('hex')}`;
  await koe.orm.em.fork().insert(PrincipalEntity, { id, displayName: id, roles, roleGrants: [], teamId: null, attributes: {}, status: 'active', createdAt: new Date() });
  return id;
}

/** Any unlocked role: bi_readonly's keys may send published documents only (test/e2e/trusted-documents.test.ts). */
const KEY_ROLE = 'analyst';

const call = (url: string, key: string, query = '{ me { id roles } }') => postGraphQL(url, { query }, { authorization: `ApiKey ${key}` });
const urls = () => ({ gateway: koe.platform.gatewayUrl, audit: koe.platform.subgraphUrls.audit });

describe(createApiKey.name, () => {
  it('issues a key that authenticates as its principal on the gateway and the subgraphs, stored only as a hash', async () => {
    const id = await newPrincipal([KEY_ROLE]);
    const { key, row } = await createApiKey(koe.orm.em, { principalId: id, name: 'looker', expiresAt: null }, ACTOR);
    expect(key).toMatch(/^koe_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}$/);
    expect(key.slice(4, 12)).toBe(row.prefix);
    for (const [where, url] of Object.entries(urls())) {
      const res = await call(url, key);
      expect(res.status, where).toBe(200);
      expect(res.json.data, where).toEqual({ me: { id, roles: [KEY_ROLE] } });
    }
    const customers = await call(koe.platform.subgraphUrls.customers, key, '{ customers(first: 1) { totalCount } }');
    expect(customers.status).toBe(200);

    // Nothing stored holds the key or its secret part.
    const [stored] = await koe.orm.em.getConnection().execute(`select * from api_key where id = ?`, [row.id]);
    const secret = key.slice(13);
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(stored!.hash).toMatch(/^[0-9a-f]{64}$/);

    await new Promise((r) => setTimeout(r, 100)); // lastUsedAt is written after the response
    const [listed] = await listApiKeys(koe.orm.em.fork(), id);
    expect(listed?.lastUsedAt).toBeInstanceOf(Date);
    const events = await koe.orm.em.fork().find(AuditEventEntity, { action: 'access.createApiKey', resources: { $contains: [`Principal:${id}`] } });
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events[0]!.detail)).not.toContain(secret);
  });

  it('refuses a second key with the same name for a principal with BAD_USER_INPUT', async () => {
    const id = await newPrincipal(['ingest']);
    await createApiKey(koe.orm.em, { principalId: id, name: 'etl', expiresAt: null }, ACTOR);
    await expect(createApiKey(koe.orm.em, { principalId: id, name: 'etl', expiresAt: null }, ACTOR)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', argument: 'name' },
    });
    expect(await listApiKeys(koe.orm.em.fork(), id)).toHaveLength(1);
  });

  it.each([
    ['revoked', (_id: string, prefix: string) => revokeApiKey(koe.orm.em, prefix, ACTOR)],
    ['expired', (id: string) => koe.orm.em.fork().nativeUpdate(ApiKeyEntity, { principalId: id }, { expiresAt: new Date(Date.now() - 1000) })],
    ['of a disabled principal', async (id: string) => changeAccess(koe.orm.em, id, { kind: 'disablePrincipal' }, ACTOR, await loadPolicy(POLICY_DIR))],
  ] as Array<[string, (id: string, prefix: string) => Promise<unknown>]>)('refuses a key %s with 401 on the next request everywhere', async (_name, spoil) => {
    const id = await newPrincipal([KEY_ROLE]);
    const { key, row } = await createApiKey(koe.orm.em, { principalId: id, name: 'k', expiresAt: new Date(Date.now() + 3600_000) }, ACTOR);
    expect((await call(koe.platform.gatewayUrl, key)).status).toBe(200);
    await spoil(id, row.prefix);
    for (const [where, url] of Object.entries(urls())) {
      const res = await call(url, key);
      expect(res.status, where).toBe(401);
      expect(res.json.errors?.[0]?.extensions?.code, where).toBe('UNAUTHENTICATED');
    }
  });

  it.each(['koe_short', `koe_${'A'.repeat(8)}_${'B'.repeat(43)}`, 'not-a-key'])('refuses the malformed or unknown key %s with 401', async (key) => {
    expect((await call(koe.platform.gatewayUrl, key)).status).toBe(401);
  });
});

describe('a principal past its expiry', () => {
  it("refuses the principal's still-valid bearer token with 401 everywhere, and accepts it while the expiry is ahead", async () => {
    const id = await newPrincipal([KEY_ROLE]);
    const authorization = `Bearer ${await issueToken(TEST_JWT_SECRET, id)}`;
    const bearer = (url: string) => postGraphQL(url, { query: '{ me { id } }' }, { authorization });
    await koe.orm.em.fork().nativeUpdate(PrincipalEntity, { id }, { expiresAt: new Date(Date.now() + 3600_000) });
    expect((await bearer(koe.platform.gatewayUrl)).json.data).toEqual({ me: { id } });
    await koe.orm.em.fork().nativeUpdate(PrincipalEntity, { id }, { expiresAt: new Date(Date.now() - 1000) });
    for (const [where, url] of Object.entries(urls())) {
      const res = await bearer(url);
      expect(res.status, where).toBe(401);
      expect(res.json.errors?.[0]?.extensions?.code, where).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(res.json), where).not.toContain('"me"');
    }
  });
});

// Guards against signing in by prefix alone: the prefix is not secret (listings and audit events
// show it), so a key whose prefix exists but whose secret is wrong, cut short or missing must fail
// the hash comparison, on every server a client can reach.
describe('a known prefix with a wrong secret', () => {
  const ME = '{ me { id roles } }';
  const everyServer = (): Array<[string, string, string]> => [
    ['gateway', koe.platform.gatewayUrl, ME],
    ['customers', koe.platform.subgraphUrls.customers, '{ customers(first: 1) { totalCount } }'],
    ['feedback', koe.platform.subgraphUrls.feedback, '{ feedbacks(first: 1) { totalCount } }'],
    ['audit', koe.platform.subgraphUrls.audit, ME],
  ];

  it.each([
    ['a wrong secret of the right length', (key: string) => `${key.slice(0, 13)}${key.slice(13).split('').reverse().join('')}`],
    ['the secret with its last character changed', (key: string) => `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`],
    ['a truncated secret', (key: string) => key.slice(0, -1)],
    ['half the secret', (key: string) => key.slice(0, 13 + 21)],
    ['an empty secret', (key: string) => key.slice(0, 13)],
    ['no secret and no separator', (key: string) => key.slice(0, 12)],
  ])('refuses %s with 401 UNAUTHENTICATED on the gateway and each subgraph', async (_name, spoil) => {
    const id = await newPrincipal([KEY_ROLE]);
    const { key } = await createApiKey(koe.orm.em, { principalId: id, name: 'k', expiresAt: null }, ACTOR);
    const forged = spoil(key);
    expect(forged).not.toBe(key);
    expect(forged.startsWith(key.slice(0, 12))).toBe(true);
    for (const [where, url, query] of everyServer()) {
      expect((await call(url, key, query)).status, `${where} with the real key`).toBe(200);
      const res = await call(url, forged, query);
      expect(res.status, where).toBe(401);
      expect(res.json.errors?.[0]?.extensions?.code, where).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(res.json), where).not.toContain(id);
    }
  });
});
