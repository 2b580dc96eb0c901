/**
 * Koe as deployed (NODE_ENV=production), attacked from outside through the gateway and straight at
 * the subgraphs (issue 13, items 8–11, 13, 14). Each block is written as the attacker or the user
 * who hit the gap: introspection for admins only (and for them it works), `_service` only for
 * admins and the gateway, `_entities` capped and costed, tokens with an expiry and a bounded
 * lifetime, a leaver's refused attempts findable by the id they claimed, and a FORBIDDEN that says
 * which purpose would lift it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../../src/auth/api-key-admin.js';
import { AuditEventEntity } from '../../src/data/entities/index.js';
import { countedProof, gatewayProof, proofKey } from '../../src/server/limits/counted-proof.js';
import { postGraphQL, startTestKoe, TEST_JWT_SECRET, type GraphQLBody, type TestKoe } from '../support/koe.js';

/** The key the gateway makes its proofs with (derived from the platform's JWT secret). */
const PROOF_KEY = proofKey(TEST_JWT_SECRET);

let koe: TestKoe;
let savedNodeEnv: string | undefined;
let customerIds: string[] = [];
let feedbackIds: string[] = [];

beforeAll(async () => {
  // As deployed: Apollo reads NODE_ENV when a server is built, and so do Koe's limits.
  savedNodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    koe = await startTestKoe();
  } finally {
    if (savedNodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = savedNodeEnv;
  }
  const conn = koe.orm.em.fork().getConnection();
  customerIds = ((await conn.execute(`select id from customer order by id limit 300`)) as Array<{ id: string }>).map((r) => r.id);
  feedbackIds = ((await conn.execute(`select id from feedback order by id limit 300`)) as Array<{ id: string }>).map((r) => r.id);
});
afterAll(async () => koe?.stop());

const bearer = async (principal: string) => ({ authorization: `Bearer ${await koe.token(principal)}` });
const urls = () => ({ gateway: koe.platform.gatewayUrl, customers: koe.platform.subgraphUrls.customers });

describe('introspection in production (item 8)', () => {
  const QUERIES = [
    ['__schema', '{ __schema { queryType { name } types { name } } }'],
    ['__type', '{ __type(name: "Customer") { name fields { name } } }'],
  ] as const;

  it.each(QUERIES)('answers %s to an admin on the gateway and on a subgraph, as the README promises', async (_name, query) => {
    for (const [where, url] of Object.entries(urls())) {
      const { status, json } = await postGraphQL(url, { query }, await bearer('p-admin'));
      expect(json.errors, where).toBeUndefined();
      expect(status, where).toBe(200);
      expect(JSON.stringify(json.data), where).toContain('Customer');
    }
  });

  it.each(QUERIES)('refuses %s to an analyst with 403 FORBIDDEN on the gateway and on a subgraph', async (_name, query) => {
    for (const [where, url] of Object.entries(urls())) {
      const { status, json } = await postGraphQL(url, { query }, await bearer('p-analyst'));
      expect(status, where).toBe(403);
      expect(json.data, where).toBeUndefined();
      expect(json.errors?.[0]?.extensions?.code, where).toBe('FORBIDDEN');
    }
  });
});

describe('_service { sdl } straight to a subgraph (item 9)', () => {
  const SERVICE = '{ _service { sdl } }';

  it.each(['p-analyst', 'p-bi', 'p-support-east', 'p-auditor', 'p-dpo'])('refuses %s the full SDL on every subgraph', async (principal) => {
    for (const [name, url] of Object.entries(koe.platform.subgraphUrls)) {
      const { status, json } = await postGraphQL(url, { query: SERVICE }, await bearer(principal));
      expect(status, name).toBe(403);
      expect(json.errors?.[0]?.extensions?.code, name).toBe('FORBIDDEN');
      expect(JSON.stringify(json), name).not.toMatch(/@pii|Mutation|sdl"\s*:\s*"/);
    }
  });

  it('refuses it behind a fragment or an alias too', async () => {
    for (const query of ['query { ...S } fragment S on Query { _service { sdl } }', '{ s: _service { sdl } }']) {
      const { status } = await postGraphQL(koe.platform.subgraphUrls.customers, { query }, await bearer('p-analyst'));
      expect(status, query).toBe(403);
    }
  });

  it('refuses a forged gateway header: random, another request’s proof, or the rate-limit proof', async () => {
    const rid = `svc-${randomUUID()}`;
    for (const proof of [randomBytes(32).toString('base64url'), gatewayProof(PROOF_KEY, `${rid}-other`), countedProof(PROOF_KEY, rid)]) {
      const headers = { ...(await bearer('p-analyst')), 'x-request-id': rid, 'x-koe-gateway': proof, 'x-koe-counted': proof };
      const { status } = await postGraphQL(koe.platform.subgraphUrls.customers, { query: SERVICE }, headers);
      expect(status).toBe(403);
    }
  });

  it('answers the gateway (its proof for the request id) and an admin', async () => {
    const rid = `svc-${randomUUID()}`;
    const asGateway = { ...(await bearer('p-analyst')), 'x-request-id': rid, 'x-koe-gateway': gatewayProof(PROOF_KEY, rid) };
    for (const headers of [asGateway, await bearer('p-admin')]) {
      const { status, json } = await postGraphQL(koe.platform.subgraphUrls.customers, { query: SERVICE }, headers);
      expect(json.errors).toBeUndefined();
      expect(status).toBe(200);
      expect((json.data as { _service: { sdl: string } })._service.sdl).toContain('@pii');
    }
  });

  it('leaves the gateway working: it composed its supergraph at start-up and plans across subgraphs', async () => {
    const { status, json } = await postGraphQL(koe.platform.gatewayUrl, { query: '{ feedbacks(first: 3) { edges { node { id customer { id prefecture } } } } }' }, await bearer('p-analyst'));
    expect(json.errors).toBeUndefined();
    expect(status).toBe(200);
  });
});

describe('_entities representations (item 10)', () => {
  const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id email } } }';
  const reps = (n: number) => Array.from({ length: n }, (_, i) => ({ __typename: 'Customer', id: customerIds[i % customerIds.length] }));

  it.each([3000, 101])('refuses %i representations in one call with 400 QUERY_TOO_COMPLEX naming the limit, and returns nothing', async (n) => {
    const { status, json } = await postGraphQL(koe.platform.subgraphUrls.customers, { query: ENTITIES, variables: { r: reps(n) } }, await bearer('p-analyst'));
    expect(status).toBe(400);
    expect(json.data ?? null).toBeNull();
    expect(json.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'representations', measured: n, max: 100 });
  });

  it('counts every _entities field of the request together (aliases, literals, fragments)', async () => {
    const literal = (n: number) => `[${reps(n).map((r) => `{ __typename: "Customer", id: "${r.id}" }`).join(', ')}]`;
    const query = `query($r: [_Any!]!) { a: _entities(representations: $r) { ... on Customer { id } } ...B }
      fragment B on Query { b: _entities(representations: ${literal(41)}) { ... on Customer { id } } }`;
    const { status, json } = await postGraphQL(koe.platform.subgraphUrls.customers, { query, variables: { r: reps(60) } }, await bearer('p-analyst'));
    expect(status).toBe(400);
    expect(json.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'representations', measured: 101 });
  });

  it('answers a page of representations, and the feedback subgraph a page per entity type it resolves (two)', async () => {
    const ok = await postGraphQL(koe.platform.subgraphUrls.customers, { query: ENTITIES, variables: { r: reps(100) } }, await bearer('p-analyst'));
    expect(ok.json.errors).toBeUndefined();
    expect((ok.json.data as { _entities: unknown[] })._entities).toHaveLength(100);
    const mixed = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? { __typename: 'Customer', id: customerIds[i % customerIds.length] } : { __typename: 'Feedback', id: feedbackIds[i % feedbackIds.length] }));
    const q = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Feedback { id } ... on Customer { id } } }';
    const fb = koe.platform.subgraphUrls.feedback;
    expect((await postGraphQL(fb, { query: q, variables: { r: mixed(200) } }, await bearer('p-analyst'))).json.errors).toBeUndefined();
    const over = await postGraphQL(fb, { query: q, variables: { r: mixed(201) } }, await bearer('p-analyst'));
    expect(over.json.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'representations', measured: 201, max: 200 });
  });

  it('still serves the gateway’s largest plan: a full page of feedback with each one’s customer', async () => {
    const { json } = await postGraphQL(koe.platform.gatewayUrl, { query: '{ feedbacks(first: 100) { edges { node { id customer { id prefecture } } } } }' }, await bearer('p-admin'));
    expect(json.errors).toBeUndefined();
    expect((json.data as { feedbacks: { edges: unknown[] } }).feedbacks.edges).toHaveLength(100);
  });
});

describe('bearer token lifetime (item 11)', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const signed = (sub: string, claims: { iat?: number; exp?: number | null }) => {
    const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(sub).setIssuedAt(claims.iat ?? now());
    if (claims.exp !== null) jwt.setExpirationTime(claims.exp ?? now() + 3600);
    return jwt.sign(TEST_JWT_SECRET);
  };
  const ME = '{ me { id } }';
  const everywhere = () => [koe.platform.gatewayUrl, koe.platform.subgraphUrls.audit];

  it.each([
    ['without exp', { exp: null }],
    ['valid for ten years', { exp: now() + 10 * 365 * 86_400 }],
    ['issued an hour ago for 25 hours', { iat: now() - 3600, exp: now() + 24 * 3600 }],
    ['issued in the future to stretch its lifetime', { iat: now() + 30 * 86_400, exp: now() + 30 * 86_400 + 3600 }],
  ])('refuses a validly signed token %s with 401 on the gateway and a subgraph', async (_name, claims) => {
    const authorization = `Bearer ${await signed('p-admin', claims)}`;
    for (const url of everywhere()) {
      const { status, json } = await postGraphQL(url, { query: ME }, { authorization });
      expect(status, url).toBe(401);
      expect(json.errors?.[0]?.extensions?.code, url).toBe('UNAUTHENTICATED');
      expect(json.data ?? null, url).toBeNull();
    }
  });

  it('accepts a token within the maximum lifetime (24 h by default) on the gateway and a subgraph', async () => {
    const authorization = `Bearer ${await signed('p-admin', { exp: now() + 23 * 3600 })}`;
    for (const url of everywhere()) {
      const { status, json } = await postGraphQL(url, { query: ME }, { authorization });
      expect(json.errors, url).toBeUndefined();
      expect(status, url).toBe(200);
    }
  });
});

describe('refused genuine credentials name the principal they claimed (item 13)', () => {
  async function refusal(authorization: string, url: string) {
    const requestId = `claim-${randomUUID()}`;
    const { status } = await postGraphQL(url, { query: '{ me { id } }' }, { authorization, 'x-request-id': requestId });
    expect(status).toBe(401);
    return koe.orm.em.fork().find(AuditEventEntity, { requestId });
  }

  it("records a leaver's validly signed token as an unverified claim, never as the actor, on the gateway and a subgraph", async () => {
    for (const url of [koe.platform.gatewayUrl, koe.platform.subgraphUrls.customers]) {
      const [event, ...rest] = await refusal(`Bearer ${await koe.token('p-leaver')}`, url);
      expect(rest).toEqual([]);
      expect(event).toMatchObject({ action: 'authenticate', outcome: 'unauthenticated', actorId: null, roles: [] });
      expect(event!.detail).toMatchObject({ claimedPrincipalId: 'p-leaver', verified: false });
    }
  });

  it('records an unknown principal named by a validly signed token, and the subject of an expired one', async () => {
    const ghost = `p-ghost-${randomBytes(3).toString('hex')}`;
    const [unknown] = await refusal(`Bearer ${await koe.token(ghost)}`, koe.platform.gatewayUrl);
    expect(unknown!.detail).toMatchObject({ claimedPrincipalId: ghost, verified: false });
    const [expired] = await refusal(`Bearer ${await koe.token('p-leaver', -120)}`, koe.platform.gatewayUrl);
    expect(expired!.detail).toMatchObject({ claimedPrincipalId: 'p-leaver', verified: false });
  });

  it('records the owner of a revoked API key, and nothing for a made-up key', async () => {
    const actor = { id: 'p-admin', roles: ['admin'], policyVersion: 'test', via: 'cli' as const };
    const { key, row } = await createApiKey(koe.orm.em, { principalId: 'p-bi', name: `claim-${randomUUID()}`, expiresAt: null }, actor);
    await revokeApiKey(koe.orm.em, row.id, actor);
    const [revoked] = await refusal(`ApiKey ${key}`, koe.platform.subgraphUrls.customers);
    expect(revoked).toMatchObject({ actorId: null, detail: { claimedPrincipalId: 'p-bi', verified: false } });
    const [madeUp] = await refusal(`ApiKey ${key.slice(0, 13)}${'A'.repeat(43)}`, koe.platform.subgraphUrls.customers);
    expect(JSON.stringify(madeUp!.detail)).not.toContain('p-bi');
  });

  it("does not record the subject of a forged token (anyone could write someone else's id)", async () => {
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('p-dpo').setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode('not-the-platform-secret-0123456789abcdef'));
    for (const url of [koe.platform.gatewayUrl, koe.platform.subgraphUrls.customers]) {
      const [event] = await refusal(`Bearer ${forged}`, url);
      expect(event!.actorId).toBeNull();
      expect(JSON.stringify(event!.detail)).not.toContain('p-dpo');
    }
  });

  it("lets an auditor find the leaver's attempts through GraphQL, apart from the actor", async () => {
    await refusal(`Bearer ${await koe.token('p-leaver')}`, koe.platform.gatewayUrl);
    const q = '{ auditEvents(first: 50, filter: { claimedActorId: "p-leaver" }) { totalCount edges { node { actorId claimedActorId action outcome } } } }';
    const { json } = await postGraphQL(koe.platform.gatewayUrl, { query: q }, await bearer('p-auditor'));
    expect(json.errors).toBeUndefined();
    const page = (json.data as { auditEvents: { totalCount: number; edges: Array<{ node: Record<string, unknown> }> } }).auditEvents;
    expect(page.totalCount).toBeGreaterThanOrEqual(1);
    for (const { node } of page.edges) expect(node).toEqual({ actorId: null, claimedActorId: 'p-leaver', action: 'authenticate', outcome: 'unauthenticated' });
  });
});

describe('a FORBIDDEN that a purpose would lift says so (item 14)', () => {
  const forbidden = (res: GraphQLBody) => (res.errors ?? []).filter((e) => e.extensions?.code === 'FORBIDDEN');
  const post = async (principal: string, query: string, variables: Record<string, unknown> = {}, purpose?: string, url = koe.platform.gatewayUrl) =>
    (await postGraphQL(url, { query, variables }, { ...(await bearer(principal)), ...(purpose ? { 'x-koe-purpose': purpose } : {}) })).json;

  it('tells the DPO without the header that X-Koe-Purpose: compliance would show the name, on the gateway and the subgraph', async () => {
    for (const url of [koe.platform.gatewayUrl, koe.platform.subgraphUrls.customers]) {
      const res = await post('p-dpo', 'query($id: ID!) { customer(id: $id) { id name } }', { id: customerIds[0] }, undefined, url);
      const [err] = forbidden(res);
      expect(err?.message, url).toContain('X-Koe-Purpose: compliance');
      expect(err?.extensions, url).toMatchObject({ field: 'Customer.name', requiredPurpose: 'compliance' });
      // Nothing else: no role, rule, file or other field.
      expect(err?.message, url).not.toMatch(/dpo|roles-|\.yaml|admin/);
    }
    const withPurpose = await post('p-dpo', 'query($id: ID!) { customer(id: $id) { id name } }', { id: customerIds[0] }, 'compliance');
    expect(forbidden(withPurpose)).toEqual([]);
  });

  it('names the purpose a refused mutation needs, before doing anything', async () => {
    const res = await post('p-dpo', 'mutation($id: ID!) { requestErasure(customerId: $id, reason: "test") { customerId } }', { id: customerIds[0] });
    const [err] = forbidden(res);
    expect(err?.message).toContain('X-Koe-Purpose: compliance');
  });

  it("names no purpose to an analyst, whose roles no purpose would help (Feedback.note), nor for an admin's own refusals", async () => {
    const res = await post('p-analyst', '{ feedbacks(first: 2) { edges { node { id note } } } }');
    const errs = forbidden(res);
    expect(errs.length).toBeGreaterThan(0);
    for (const e of errs) {
      expect(e.message).not.toMatch(/X-Koe-Purpose|compliance|marketing|support|analytics/);
      expect(e.extensions?.requiredPurpose).toBeUndefined();
    }
    const admin = await post('p-admin', 'mutation($id: ID!) { requestErasure(customerId: $id, reason: "test") { customerId } }', { id: customerIds[0] });
    expect(forbidden(admin)[0]?.message).not.toMatch(/X-Koe-Purpose/);
  });
});
