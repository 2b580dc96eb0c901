/**
 * Consents and cessation of use (APPI Art. 18, 35) through the gateway: the consent platform's
 * withdrawal shrinks marketing's view at once and a new grant restores it, with the withdrawal kept
 * as history; the DPO's `restrictUse` hides a customer, and everything that belongs to them, from
 * requests declaring the restricted purpose, on every path, while other purposes are unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoData } from '../../src/data/seed/demo-data.js';
import { errorCodes, postAs, type GraphQLBody, type TestKoe } from '../support/koe.js';
import { seededScratchKoe, type ScratchKoeDb } from '../support/scratch-koe-db.js';

const OPTS = { customers: 40, feedback: 200 };
const demo = generateDemoData(OPTS);
const consentsNow = (id: string, purpose: string) => demo.consents.some((c) => c.customerId === id && c.purpose === purpose && c.withdrawnAt === null);
const hasFeedback = (id: string) => demo.feedback.some((f) => f.customerId === id);
/** A customer who consents to marketing now; and one of team-east with feedback, to restrict. */
const consenting = demo.customers.find((c) => consentsNow(c.id, 'marketing'))!;
const restricted = demo.customers.find((c) => c.teamId === 'team-east' && hasFeedback(c.id) && c.id !== consenting.id)!;
const restrictedFeedback = demo.feedback.filter((f) => f.customerId === restricted.id).map((f) => f.id).sort();
const REASON = '本人からの利用停止請求 (受付番号 DSR-2026-021)';

let db: ScratchKoeDb;
let koe: TestKoe;
let stop: (() => Promise<void>) | undefined;
beforeAll(async () => {
  ({ db, koe, stop } = await seededScratchKoe(OPTS));
}, 120_000);
afterAll(() => stop?.());

const as = (principal: string, query: string, variables?: Record<string, unknown>, purpose?: string, url?: string) => postAs(koe, principal, query, variables, purpose, url);
const codes = errorCodes;
const data = (res: GraphQLBody) => res.data as any;

const CUSTOMERS = `{ customers(first: 100) { totalCount edges { node { id } } } }`;
const RECORD = `mutation($id: ID!, $purpose: String!) { recordConsent(customerId: $id, purpose: $purpose, source: "web") { purpose grantedAt withdrawnAt source } }`;
const WITHDRAW = `mutation($id: ID!, $purpose: String!) { withdrawConsent(customerId: $id, purpose: $purpose, source: "app") { purpose grantedAt withdrawnAt source } }`;
const CONSENTS = `query($id: ID!) { customer(id: $id) { consents { purpose grantedAt withdrawnAt source } } }`;
const RESTRICT = `mutation($id: ID!, $purposes: [String!]!, $reason: String!) { restrictUse(customerId: $id, purposes: $purposes, reason: $reason) { customerId purposes restrictedAt } }`;

async function marketingView(): Promise<{ total: number; ids: string[] }> {
  const res = await as('p-marketing', CUSTOMERS, {}, 'marketing');
  expect(res.errors).toBeUndefined();
  return { total: data(res).customers.totalCount, ids: data(res).customers.edges.map((e: { node: { id: string } }) => e.node.id).sort() };
}

describe('consents', () => {
  let before: { total: number; ids: string[] };

  it('marketing sees one customer fewer once the consent platform records a withdrawal', async () => {
    before = await marketingView();
    expect(before.ids).toContain(consenting.id);
    const res = await as('p-ingest', WITHDRAW, { id: consenting.id, purpose: 'marketing' });
    expect(res.errors).toBeUndefined();
    expect(data(res).withdrawConsent.withdrawnAt).not.toBeNull();
    const after = await marketingView();
    expect(after.total).toBe(before.total - 1);
    expect(after.ids).toEqual(before.ids.filter((id) => id !== consenting.id));
  });

  it('keeps the withdrawn consent as history', async () => {
    const res = await as('p-admin', CONSENTS, { id: consenting.id });
    const marketing = data(res).customer.consents.filter((c: { purpose: string }) => c.purpose === 'marketing');
    expect(marketing.length).toBeGreaterThanOrEqual(1);
    expect(marketing.every((c: { withdrawnAt: string | null }) => c.withdrawnAt !== null)).toBe(true);
  });

  it('refuses a second withdrawal, an undeclared purpose and an unknown customer (BAD_USER_INPUT)', async () => {
    expect(codes(await as('p-ingest', WITHDRAW, { id: consenting.id, purpose: 'marketing' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await as('p-ingest', RECORD, { id: consenting.id, purpose: 'telepathy' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await as('p-ingest', RECORD, { id: '00000000-0000-4000-8000-000000000000', purpose: 'marketing' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('is refused (FORBIDDEN) for marketing, analysts and the DPO', async () => {
    for (const [p, purpose] of [['p-marketing', 'marketing'], ['p-analyst', 'analytics'], ['p-dpo', 'compliance']] as const) {
      expect(codes(await as(p, RECORD, { id: consenting.id, purpose: 'marketing' }, purpose))).toEqual(['FORBIDDEN']);
    }
    expect((await marketingView()).total).toBe(before.total - 1);
  });

  it('brings the customer back for marketing when consent is recorded again, once however often it is sent', async () => {
    const first = await as('p-ingest', RECORD, { id: consenting.id, purpose: 'marketing' });
    expect(first.errors).toBeUndefined();
    expect(data(first).recordConsent).toMatchObject({ purpose: 'marketing', withdrawnAt: null, source: 'web' });
    const again = await as('p-admin', RECORD, { id: consenting.id, purpose: 'marketing' });
    expect(data(again).recordConsent.grantedAt).toBe(data(first).recordConsent.grantedAt);
    expect(await marketingView()).toEqual(before);
    const history = data(await as('p-admin', CONSENTS, { id: consenting.id })).customer.consents.filter((c: { purpose: string }) => c.purpose === 'marketing');
    expect(history.filter((c: { withdrawnAt: string | null }) => c.withdrawnAt === null)).toHaveLength(1);
    expect(history.filter((c: { withdrawnAt: string | null }) => c.withdrawnAt !== null).length).toBeGreaterThanOrEqual(1);
  });
});

const ANALYST_VIEW = `query($id: ID!) {
  customers(first: 100) { totalCount edges { node { id } } }
  customer(id: $id) { id }
  feedbacks(first: 100, filter: { customerId: $id }) { totalCount edges { node { id customer { id } } } }
}`;
const FEEDBACK_BY_ID = `query($id: ID!) { feedback(id: $id) { id customer { id } } }`;
const NESTED = `{ customers(first: 50) { edges { node { id consents { purpose } purchases { id } feedback(first: 10) { totalCount edges { node { id } } } } } } }`;

describe('restrictUse', () => {
  let analystBefore: GraphQLBody;

  it('is refused (FORBIDDEN) for everyone but the DPO declaring compliance, and changes nothing', async () => {
    analystBefore = await as('p-analyst', ANALYST_VIEW, { id: restricted.id }, 'analytics');
    expect(data(analystBefore).customer).toEqual({ id: restricted.id });
    for (const [p, purpose] of [['p-dpo', undefined], ['p-dpo', 'analytics'], ['p-admin', 'compliance'], ['p-analyst', 'analytics']] as const) {
      expect(codes(await as(p, RESTRICT, { id: restricted.id, purposes: ['analytics'], reason: REASON }, purpose))).toEqual(['FORBIDDEN']);
    }
    expect(await as('p-analyst', ANALYST_VIEW, { id: restricted.id }, 'analytics')).toEqual(analystBefore);
  });

  it('refuses restricting compliance, undeclared purposes, an empty reason and unknown customers (BAD_USER_INPUT)', async () => {
    const bad = [
      { id: restricted.id, purposes: ['compliance'], reason: REASON },
      { id: restricted.id, purposes: ['analytics', 'telepathy'], reason: REASON },
      { id: restricted.id, purposes: [], reason: REASON },
      { id: restricted.id, purposes: ['analytics'], reason: '  ' },
      { id: '00000000-0000-4000-8000-000000000000', purposes: ['analytics'], reason: REASON },
    ];
    for (const v of bad) expect(codes(await as('p-dpo', RESTRICT, v, 'compliance'))).toEqual(['BAD_USER_INPUT']);
    expect(await db.sql('select * from use_restriction')).toEqual([]);
  });

  it('hides the customer and their feedback from analytics from the next request on', async () => {
    const res = await as('p-dpo', RESTRICT, { id: restricted.id, purposes: ['analytics'], reason: REASON }, 'compliance');
    expect(res.errors).toBeUndefined();
    expect(data(res).restrictUse).toMatchObject({ customerId: restricted.id, purposes: ['analytics'] });

    const after = await as('p-analyst', ANALYST_VIEW, { id: restricted.id }, 'analytics');
    const b = data(analystBefore);
    const a = data(after);
    expect(a.customers.totalCount).toBe(b.customers.totalCount - 1);
    expect(a.customers.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(restricted.id);
    expect(a.customer).toBeNull();
    expect(a.feedbacks.totalCount).toBe(0);
    expect(b.feedbacks.edges.map((e: { node: { id: string } }) => e.node.id).sort()).toEqual(restrictedFeedback);

    for (const id of restrictedFeedback) expect(data(await as('p-analyst', FEEDBACK_BY_ID, { id }, 'analytics')).feedback).toBeNull();
    const nestedRes = await as('p-analyst', NESTED, {}, 'analytics');
    expect(nestedRes.errors).toBeUndefined();
    const nodes = data(nestedRes).customers.edges.map((e: { node: { id: string; feedback: { edges: Array<{ node: { id: string } }> } } }) => e.node);
    const nested = nodes.map((n: { id: string }) => n.id);
    expect(nested).not.toContain(restricted.id);
    expect(nodes.flatMap((n: { feedback: { edges: Array<{ node: { id: string } }> } }) => n.feedback.edges.map((e) => e.node.id)).filter((id: string) => restrictedFeedback.includes(id))).toEqual([]);
    expect(nested.length).toBe(a.customers.edges.length);
  });

  it('resolves no reference to the customer sent straight to the subgraph (_entities)', async () => {
    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id } } }`;
    const reps = { r: [{ __typename: 'Customer', id: restricted.id }, { __typename: 'Customer', id: consenting.id }] };
    const res = await as('p-analyst', entities, reps, 'analytics', koe.platform.subgraphUrls.customers);
    expect(data(res)._entities).toEqual([null, { id: consenting.id }]);
    const support = await as('p-support-east', entities, reps, 'support', koe.platform.subgraphUrls.customers);
    expect(data(support)._entities[0]).toEqual({ id: restricted.id });
  });

  it('hides the customer from another feedback page’s customer reference too', async () => {
    // Unfiltered feedback list: none of the restricted customer's feedback, and no reference to them.
    const res = await as('p-analyst', `{ feedbacks(first: 100) { edges { node { id customer { id } } } } }`, {}, 'analytics');
    const nodes = data(res).feedbacks.edges.map((e: { node: { id: string; customer: { id: string } | null } }) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.filter((n: { id: string }) => restrictedFeedback.includes(n.id))).toEqual([]);
    expect(nodes.filter((n: { customer: { id: string } | null }) => n.customer?.id === restricted.id)).toEqual([]);
  });

  it('leaves support of the customer’s team and the DPO’s compliance case unaffected', async () => {
    const support = data(await as('p-support-east', ANALYST_VIEW, { id: restricted.id }, 'support'));
    expect(support.customer).toEqual({ id: restricted.id });
    expect(support.feedbacks.totalCount).toBe(restrictedFeedback.length);
    const nested = await as('p-support-east', `query($id: ID!) { customer(id: $id) { id email feedback(first: 100) { totalCount } } }`, { id: restricted.id }, 'support');
    expect(nested.errors).toBeUndefined();
    expect(data(nested).customer.email).toBe(restricted.email);
    expect(data(nested).customer.feedback.totalCount).toBe(restrictedFeedback.length);
    const dpo = data(await as('p-dpo', `query($id: ID!) { customer(id: $id) { id email } }`, { id: restricted.id }, 'compliance'));
    expect(dpo.customer).toEqual({ id: restricted.id, email: restricted.email });
  });

  it('is recorded in the audit trail with the reason, and a repeat keeps the first restriction', async () => {
    const events = await db.sql<{ detail: Record<string, unknown>; resources: string[]; actor_id: string }>(
      `select detail, resources, actor_id from audit_event where action = 'subject.restriction' order by seq`,
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor_id: 'p-dpo', resources: [`Customer:${restricted.id}`], detail: { customerId: restricted.id, purposes: ['analytics'], reason: REASON } });
    const requestEvents = await db.sql<{ detail: { mutations?: Array<{ name: string; arguments: Record<string, unknown> }> } }>(
      `select detail from audit_event where detail::text like '%restrictUse%' order by seq`,
    );
    expect(requestEvents.some((e) => e.detail.mutations?.some((m) => m.name === 'restrictUse' && m.arguments.reason === REASON))).toBe(true);

    const [first] = await db.sql<{ restricted_at: Date }>('select restricted_at from use_restriction where customer_id = ?', [restricted.id]);
    const again = await as('p-dpo', RESTRICT, { id: restricted.id, purposes: ['analytics', 'marketing'], reason: REASON }, 'compliance');
    expect(data(again).restrictUse.purposes).toEqual(['analytics', 'marketing']);
    const rows = await db.sql<{ purpose: string; restricted_at: Date }>('select purpose, restricted_at from use_restriction where customer_id = ? order by purpose', [restricted.id]);
    expect(rows.map((r) => r.purpose)).toEqual(['analytics', 'marketing']);
    expect(rows[0]!.restricted_at).toEqual(first!.restricted_at);
  });

  it('lists the restrictions in the subject export, and a provision for a restricted purpose leaves the customer out', async () => {
    const exported = JSON.parse(data(await as('p-dpo', `query($id: ID!) { subjectExport(customerId: $id) }`, { id: restricted.id }, 'compliance')).subjectExport as string) as {
      restrictions: Array<{ purpose: string; reason: string }>;
    };
    expect(exported.restrictions.map((r) => r.purpose)).toEqual(['analytics', 'marketing']);
    // Both shipped recipients receive data for analytics: consent to the provision cannot override the restriction.
    // One active consent per purpose: a customer already consenting keeps that grant.
    await db.sql(`insert into consent (id, customer_id, purpose, granted_at, source) values (gen_random_uuid(), ?, 'third_party', now() - interval '1 day', 'test') on conflict do nothing`, [restricted.id]);
    const res = await as('p-dpo', `mutation($ids: [ID!]) { recordProvision(recipientId: "jp_research", purpose: "analytics", customerIds: $ids) { id customerCount excludedCount } }`, { ids: [restricted.id] }, 'compliance');
    expect(res.errors).toBeUndefined();
    const [included] = await db.sql<{ n: number }>('select count(*)::int as n from provision_customer where customer_id = ?', [restricted.id]);
    expect(included!.n).toBe(0);
  });
});
