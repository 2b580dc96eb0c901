/**
 * Koe's subgraphs behind a router nobody here wrote: a real Hive Gateway (the `hive-gateway` CLI,
 * 2.15) with the configuration Koe ships (deploy/hive), on the supergraph `koe supergraph` prints.
 * The core decisions of the policy and attack suites are the same through Hive as through Koe's
 * gateway; identical concurrent requests are never merged into one audited execution; the cost
 * limit, the rate limit (counted once per client request) and the statuses hold; subgraph events
 * commit synchronously, since no edge event follows them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEventEntity } from '../../src/data/entities/index.js';
import { clonePrincipal } from '../support/principals.js';
import { startTestKoe, TEST_JWT_SECRET, type GraphQLBody, type TestKoe } from '../support/koe.js';
import { loadFixtures, type Fixtures } from '../support/records.js';
import { startHiveGateway, type RunningHive } from '../support/hive-gateway.js';

let koe: TestKoe;
let hive: RunningHive;
let fx: Fixtures;
beforeAll(async () => {
  koe = await startTestKoe();
  fx = await loadFixtures(koe.orm);
  hive = await startHiveGateway(koe.platform.subgraphUrls, { KOE_JWT_SECRET: new TextDecoder().decode(TEST_JWT_SECRET) });
}, 300_000);
afterAll(async () => {
  await hive?.stop();
  await koe?.stop();
});

interface Answer extends GraphQLBody {
  status: number;
  headers: Headers;
  text: string;
}

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { ...(JSON.parse(text) as GraphQLBody), status: res.status, headers: res.headers, text };
}

async function as(principal: string, url: string, query: string, variables: Record<string, unknown> = {}, extra: Record<string, string> = {}): Promise<Answer> {
  return post(url, { query, variables }, { authorization: `Bearer ${await koe.token(principal)}`, ...extra });
}

/** The same request through Koe's gateway and through Hive. */
async function both(principal: string, query: string, variables: Record<string, unknown> = {}, extra: Record<string, string> = {}) {
  const [koeAnswer, hiveAnswer] = await Promise.all([as(principal, koe.platform.gatewayUrl, query, variables, extra), as(principal, hive.url, query, variables, extra)]);
  return { koe: koeAnswer, hive: hiveAnswer };
}

/** What a decision test compares: the data, and each error's code and path (messages may differ). */
const decisions = (a: Answer, opts = { indexes: true }) => ({
  data: a.data,
  errors: (a.errors ?? [])
    .map((e) => ({ code: e.extensions?.code, path: opts.indexes ? e.path : e.path?.map((p) => (typeof p === 'number' ? '#' : p)) }))
    .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
});

const forbidden = (a: Answer) => (a.errors ?? []).filter((e) => e.extensions?.code === 'FORBIDDEN').length;

const eventsOf = (requestIds: string[]) => koe.orm.em.fork().find(AuditEventEntity, { requestId: { $in: requestIds } }, { orderBy: { seq: 'asc' } });

describe('the same decisions through Hive Gateway as through Koe', { timeout: 90_000 }, () => {
  it('masks an analyst\'s view of e-mail addresses, aliases included', async () => {
    const r = await both('p-analyst', 'query($id: ID!) { customer(id: $id) { plain: email also: email prefecture } }', { id: fx.east.id });
    expect(decisions(r.hive)).toEqual(decisions(r.koe));
    expect((r.hive.data as { customer: { plain: string } }).customer.plain).toMatch(/^.\*\*\*@/);
    expect(r.hive.text).not.toContain(fx.east.email);
  });

  it('denies bi the personal fields: null and one FORBIDDEN per path, through fragments too', async () => {
    const q = 'query($id: ID!) { customer(id: $id) { a: name ...F ... on Customer { phone } customerKey } } fragment F on Customer { email address }';
    const r = await both('p-bi', q, { id: fx.east.id });
    expect(decisions(r.hive)).toEqual(decisions(r.koe));
    expect(forbidden(r.hive)).toBe(4);
    for (const v of [fx.east.name, fx.east.email, fx.east.phone]) expect(r.hive.text).not.toContain(v);
  });

  it('decides customers reached from feedback (a plan over two subgraphs) alike', async () => {
    const r = await both('p-bi', '{ feedbacks(first: 30) { edges { node { id customer { id name email } } } } }');
    // Hive 2.15 names the first entity's list index in every error of an `_entities` batch (one
    // error per denied field and row still): the data and the errors agree, up to that index.
    expect(r.hive.data).toEqual(r.koe.data);
    expect(decisions(r.hive, { indexes: false }).errors).toEqual(decisions(r.koe, { indexes: false }).errors);
    expect(forbidden(r.hive)).toBeGreaterThan(0);
    const analyst = await both('p-analyst', '{ feedbacks(first: 30) { edges { node { body customer { email } } } } }');
    expect(decisions(analyst.hive)).toEqual(decisions(analyst.koe));
    expect(analyst.hive.text).not.toMatch(/"email":"[^"*]+@/);
  });

  it('refuses a filter on a field the caller may not read in plain', async () => {
    const r = await both('p-analyst', '{ customers(filter: { email: "x@example.com" }) { totalCount } }');
    expect(r.hive.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', argument: 'filter.email' });
    expect(r.hive.data ?? null).toEqual(r.koe.data ?? null);
  });

  it('keeps `_entities` out of the router\'s API; sent straight to the subgraph it is decided there', async () => {
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id name } } }`;
    const variables = { r: [{ __typename: 'Customer', id: fx.east.id }] };
    const viaHive = await as('p-bi', hive.url, q, variables);
    expect(viaHive.data ?? null).toBeNull();
    expect(viaHive.text).not.toContain(fx.east.name);
    const direct = await as('p-bi', koe.platform.subgraphUrls.customers, q, variables);
    expect(direct.data).toEqual({ _entities: [{ id: fx.east.id, name: null }] });
    expect(forbidden(direct)).toBe(1);
  });
});

describe('credentials and introspection at Hive', () => {
  it('refuses a forged token with 401 at the router, before any subgraph', async () => {
    const token = await koe.token('p-admin');
    const forged = `${token.slice(0, -4)}AAAA`;
    const ids: string[] = [];
    for (const url of [koe.platform.gatewayUrl, hive.url]) {
      const rid = `forged-${randomUUID()}`;
      const r = await post(url, { query: '{ me { id } }' }, { authorization: `Bearer ${forged}`, 'x-request-id': rid });
      expect(r.status, url).toBe(401);
      expect(r.data ?? null).toBeNull();
      ids.push(rid);
    }
    const anonymous = await post(hive.url, { query: '{ me { id } }' }, { 'x-request-id': `anonymous-${randomUUID()}` });
    expect(anonymous.status).toBe(401);
    // Koe's gateway records its refusal; Hive refused before calling a subgraph, which would have recorded one.
    const refusals = await eventsOf([...ids, anonymous.headers.get('x-request-id') ?? '']);
    expect(refusals.map((e) => e.subgraph)).toEqual(['gateway']);
  });

  it('refuses a disabled principal\'s valid token with 401 UNAUTHENTICATED (decided by the subgraph)', async () => {
    const r = await both('p-leaver', '{ me { id roles } }');
    expect(r.koe.status).toBe(401);
    expect(r.hive.status).toBe(401);
    expect(r.hive.data ?? null).toBeNull();
    expect(r.hive.errors?.map((e) => e.extensions?.code)).toContain('UNAUTHENTICATED');
  });

  it('answers no introspection, to anyone', async () => {
    for (const principal of ['p-analyst', 'p-admin']) {
      const r = await as(principal, hive.url, '{ __schema { types { name } } }');
      expect(r.data ?? null, principal).toBeNull();
      expect(r.text).not.toContain('Customer');
    }
  });

  it('marks every answer no-store', async () => {
    const ok = await as('p-analyst', hive.url, '{ me { id } }');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    const refused = await post(hive.url, { query: '{ me { id } }' }, {});
    expect(refused.headers.get('cache-control')).toBe('no-store');
  });
});

describe('limits behind Hive', { timeout: 90_000 }, () => {
  // Refused by Koe's gateway with cost 40,401; through a router each subgraph sees only its slice.
  const COSTLY = '{ feedbacks(first: 100) { edges { node { customer { feedback(first: 100) { edges { node { id body } } } } } } } }';

  it('refuses the over-cost query Koe\'s gateway refuses, before any nested body leaves', async () => {
    const rid = `costly-${randomUUID()}`;
    const r = await both('p-analyst', COSTLY, {}, { 'x-request-id': rid });
    expect(r.koe.status).toBe(400);
    expect(r.koe.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', measured: 40401 });
    expect(r.hive.status).toBe(400);
    // Priced from the schema's @listSize exactly as Koe prices it, and refused before any subgraph ran.
    expect(r.hive.errors?.[0]?.extensions).toMatchObject({ code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { estimated: 40401, max: 5000 } });
    expect(r.hive.data ?? null).toBeNull();
    expect((await eventsOf([rid])).map((e) => e.subgraph)).toEqual(['gateway']);
  });

  it('has each subgraph refuse its own slice when a router sends many representations (cost counts each)', async () => {
    // What a router without demand control sends for the nested query: a page of customers, each asking a page of feedback.
    const q = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { feedback(first: 100) { edges { node { id body } } } } } }';
    const r = await as('p-analyst', koe.platform.subgraphUrls.feedback, q, { r: Array.from({ length: 20 }, (_, i) => ({ __typename: 'Customer', id: `c-${i}` })) });
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', measured: 1 + 20 * 401 });
  });

  it('lets the dashboard query through at the same page size', async () => {
    const q = '{ feedbacks(first: 100) { edges { node { id channel body receivedAt customer { id name email prefecture } } } } }';
    const r = await both('p-analyst', q);
    expect(r.hive.errors).toBeUndefined();
    expect(decisions(r.hive)).toEqual(decisions(r.koe));
  });

  it('counts a client request once for the rate limit, whatever its hops', async () => {
    const id = await clonePrincipal(koe.orm, `p-hive-rate-${randomUUID().slice(0, 8)}`);
    const knex = koe.orm.em.getConnection().getKnex();
    const counted = async () => Number(((await knex.raw('select coalesce(sum(requests), 0) as n from rate_limit_window where principal_id = ?', [id])) as { rows: Array<{ n: string }> }).rows[0]!.n);
    // Two subgraphs per request: feedback, then customers.
    const q = '{ feedbacks(first: 3) { edges { node { id customer { id prefecture } } } } }';
    for (let i = 0; i < 3; i++) expect((await as(id, hive.url, q)).errors).toBeUndefined();
    expect(await counted()).toBe(3);
    for (let i = 0; i < 2; i++) expect((await as(id, hive.url, q, {}, { 'x-request-id': `rate-${randomUUID()}` })).errors).toBeUndefined();
    expect(await counted()).toBe(5);
    // A client reusing one id gains nothing on a subgraph that saw it already.
    const reused = `rate-reused-${randomUUID()}`;
    for (let i = 0; i < 3; i++) await as(id, hive.url, q, {}, { 'x-request-id': reused });
    expect(await counted()).toBeGreaterThanOrEqual(5 + 3);
    // Koe's gateway still counts it once, with its proof.
    const before = await counted();
    expect((await as(id, koe.platform.gatewayUrl, q)).errors).toBeUndefined();
    expect(await counted()).toBe(before + 1);
  });

  it('answers a rate-limited request with 429 and Retry-After', async () => {
    const id = await clonePrincipal(koe.orm, `p-hive-limited-${randomUUID().slice(0, 8)}`);
    await koe.orm.em.getConnection().getKnex().raw(`insert into rate_limit_window (principal_id, window_start, requests) values (?, date_trunc('minute', now()), 1000000)`, [id]);
    const r = await as(id, hive.url, '{ me { id } }');
    expect(r.status).toBe(429);
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

describe('the audit trail behind Hive', { timeout: 90_000 }, () => {
  const DASHBOARD = 'query Dashboard { feedbacks(first: 5) { edges { node { id body customer { id email } } } } }';

  it('leaves one event per subgraph per client request when identical requests arrive together', async () => {
    const token = await koe.token('p-analyst');
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(hive.url, { query: DASHBOARD }, { authorization: `Bearer ${token}` })));
    const ids = answers.map((a) => a.headers.get('x-request-id')!);
    for (const a of answers) expect(a.errors).toBeUndefined();
    expect(new Set(ids).size).toBe(8);
    const events = await eventsOf(ids);
    for (const rid of ids) {
      const mine = events.filter((e) => e.requestId === rid).map((e) => e.subgraph).sort();
      expect(mine, rid).toEqual(['customers', 'feedback']);
    }
  });

  it('commits each subgraph event synchronously (no edge event follows) and carries the client\'s request id', async () => {
    const rid = `hive-${randomUUID()}`;
    const r = await as('p-analyst', hive.url, DASHBOARD, {}, { 'x-request-id': rid });
    expect(r.errors).toBeUndefined();
    expect(r.headers.get('x-request-id')).toBe(rid);
    const events = await eventsOf([rid]);
    expect(events.map((e) => e.subgraph).sort()).toEqual(['customers', 'feedback']);
    // No `commit: 'async'` mark (the detail may carry the per-record exposure, issue 19).
    for (const e of events) expect((e.detail as { commit?: string } | null)?.commit, e.subgraph ?? '').toBeUndefined();
    // Through Koe's gateway the same operation's subgraph events are appended by the gateway, with its edge event.
    const viaKoe = `koe-${randomUUID()}`;
    await as('p-analyst', koe.platform.gatewayUrl, DASHBOARD, {}, { 'x-request-id': viaKoe });
    const koeEvents = await eventsOf([viaKoe]);
    expect(koeEvents.filter((e) => e.subgraph !== 'gateway').map((e) => (e.detail as { commit?: string } | null)?.commit)).toEqual(['edge', 'edge']);
  });
});
