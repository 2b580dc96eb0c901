/**
 * The GraphQL operations the console's Access, Audit and Data subjects screens added: principal
 * expiry, API keys, the access review and the periodic review with its CSV, one audit event by
 * seq, chain verification runs, and a customer's use restrictions. Each with who may and who may
 * not. A database of its own: the periodic review decides on every flagged principal, and the
 * verification test breaks the chain.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEventEntity, PrincipalEntity } from '../../src/data/entities/index.js';
import { asSuperuser } from '../support/audit-chain.js';
import { errorCodes, postAs, postGraphQL, type GraphQLBody } from '../support/koe.js';
import { clonePrincipal } from '../support/principals.js';
import { seededScratchKoe, type SeededScratchKoe } from '../support/scratch-koe-db.js';

let s: SeededScratchKoe;
beforeAll(async () => {
  s = await seededScratchKoe({ customers: 20, feedback: 40 });
}, 180_000);
afterAll(async () => s?.stop());

const as = (who: string, query: string, variables: Record<string, unknown> = {}, purpose?: string) => postAs(s.koe, who, query, variables, purpose);
const data = <T>(res: GraphQLBody): T => {
  expect(res.errors).toBeUndefined();
  return res.data as T;
};
const events = (action: string, resource: string) => s.koe.orm.em.fork().find(AuditEventEntity, { action, resources: { $contains: [resource] } });

describe('setPrincipalExpiry', () => {
  const SET = `mutation($p: ID!, $at: DateTime, $r: String) { setPrincipalExpiry(principalId: $p, expiresAt: $at, reason: $r) { id expiresAt } }`;

  it('an admin sets an expiry in the past: the principal is refused on its next request, and the reason is in the audit event', async () => {
    const id = await clonePrincipal(s.koe.orm, 'p-cg-expiring', 'p-analyst');
    expect(data<{ me: { id: string } }>(await as(id, '{ me { id } }')).me.id).toBe(id);
    const past = new Date(Date.now() - 60_000).toISOString();
    expect(data<{ setPrincipalExpiry: { expiresAt: string } }>(await as('p-admin', SET, { p: id, at: past, r: 'contract ended' })).setPrincipalExpiry.expiresAt).toBe(past);
    const next = await postGraphQL(s.koe.platform.gatewayUrl, { query: '{ me { id } }' }, { authorization: `Bearer ${await s.koe.token(id)}` });
    expect(next.status).toBe(401);
    const [event] = await events('access.setPrincipalExpiry', `Principal:${id}`);
    expect(event?.detail).toMatchObject({ principalId: id, reason: 'contract ended' });
  });

  it.each([['p-auditor'], ['p-analyst'], ['p-dpo']])('%s may not set an expiry (FORBIDDEN, nothing changed)', async (who) => {
    const id = await clonePrincipal(s.koe.orm, `p-cg-exp-${who}`, 'p-analyst');
    const res = await as(who, SET, { p: id, at: new Date(Date.now() - 1000).toISOString() }, who === 'p-dpo' ? 'compliance' : undefined);
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    expect((await s.koe.orm.em.fork().findOneOrFail(PrincipalEntity, { id })).expiresAt).toBeNull();
  });
});

describe('API keys', () => {
  const CREATE = `mutation($p: ID!, $n: String!) { createApiKey(principalId: $p, name: $n, reason: "BI tool") { key apiKey { id prefix revokedAt } } }`;
  const LIST = `query($p: ID, $after: String) { apiKeys(principalId: $p, first: 1, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name prefix principalId } } } }`;

  it('an admin creates a key (shown once) that signs in, auditors list it without a secret, and a revoked key is refused', async () => {
    // Not bi_readonly: its keys may send published documents only (docs/trusted-documents.md).
    const id = await clonePrincipal(s.koe.orm, 'p-cg-keyholder', 'p-analyst');
    const created = data<{ createApiKey: { key: string; apiKey: { id: string; prefix: string } } }>(await as('p-admin', CREATE, { p: id, n: 'looker' }));
    expect(created.createApiKey.key).toMatch(/^koe_/);
    const withKey = await postGraphQL(s.koe.platform.gatewayUrl, { query: '{ me { id } }' }, { authorization: `ApiKey ${created.createApiKey.key}` });
    expect(withKey.json.data).toEqual({ me: { id } });
    await as('p-admin', CREATE, { p: id, n: 'tableau' });

    const page1 = data<{ apiKeys: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: Array<{ node: { name: string } }> } }>(await as('p-auditor', LIST, { p: id }));
    expect(page1.apiKeys.totalCount).toBe(2);
    expect(page1.apiKeys.pageInfo.hasNextPage).toBe(true);
    const page2 = data<typeof page1>(await as('p-auditor', LIST, { p: id, after: page1.apiKeys.pageInfo.endCursor }));
    expect([...page1.apiKeys.edges, ...page2.apiKeys.edges].map((e) => e.node.name).sort()).toEqual(['looker', 'tableau']);
    expect(JSON.stringify(page1)).not.toContain(created.createApiKey.key);

    const revoked = await as('p-admin', `mutation($id: ID!) { revokeApiKey(id: $id, reason: "rotated") { revokedAt } }`, { id: created.createApiKey.apiKey.id });
    expect(data<{ revokeApiKey: { revokedAt: string | null } }>(revoked).revokeApiKey.revokedAt).not.toBeNull();
    const after = await postGraphQL(s.koe.platform.gatewayUrl, { query: '{ me { id } }' }, { authorization: `ApiKey ${created.createApiKey.key}` });
    expect(after.status).toBe(401);
    expect(await events('access.createApiKey', `Principal:${id}`)).toHaveLength(2);
    expect(await events('access.revokeApiKey', `Principal:${id}`)).toHaveLength(1);
  });

  it('auditors and analysts may not create or revoke keys; analysts may not list them', async () => {
    expect(errorCodes(await as('p-auditor', CREATE, { p: 'p-bi', n: 'x' }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await as('p-analyst', CREATE, { p: 'p-bi', n: 'x' }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await as('p-auditor', `mutation { revokeApiKey(id: "abcdefgh") { id } }`))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await as('p-analyst', LIST, {}))).toEqual(['FORBIDDEN']);
  });
});

describe('accessReview', () => {
  const REVIEW = `query($after: String) { accessReview(first: 4, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status roles flags activeKeys } } } }`;
  type Review = { accessReview: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: { id: string; status: string; roles: string[]; flags: string[] } }> } };

  it('pages every principal by id with the same flags as `koe access review`', async () => {
    const seen: Review['accessReview']['edges'] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const page: Review = data<Review>(await as('p-auditor', REVIEW, { after }));
      expect(page.accessReview.edges.length).toBeLessThanOrEqual(4);
      seen.push(...page.accessReview.edges);
      total = page.accessReview.totalCount;
      after = page.accessReview.pageInfo.hasNextPage ? page.accessReview.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toHaveLength(total);
    const ids = seen.map((e) => e.node.id);
    expect(ids).toEqual([...ids].sort());
    expect(seen.find((e) => e.node.id === 'p-admin')?.node.flags).toContain('privileged');
    expect(seen.find((e) => e.node.id === 'p-leaver')?.node.status).toBe('disabled');
  });

  it('shows unused permissions from the trail: a new support agent has every PLAIN field and its role unused, until it reads its team in PLAIN', async () => {
    const id = await clonePrincipal(s.koe.orm, 'p-cg-unused', 'p-support-east');
    type Unused = { plainFields: Array<{ field: string; readMasked: boolean }>; roles: Array<{ role: string }> };
    const unusedOf = async (): Promise<Unused> => {
      const q = `query { accessReview(first: 100) { edges { node { id unusedPermissions { days plainFields { field readMasked } roles { role } } } } } }`;
      const page = data<{ accessReview: { edges: Array<{ node: { id: string; unusedPermissions: Unused } }> } }>(await as('p-auditor', q));
      return page.accessReview.edges.find((e) => e.node.id === id)!.node.unusedPermissions;
    };
    const before = await unusedOf();
    expect(before.plainFields.map((f) => f.field)).toContain('Customer.email');
    expect(before.roles.map((r) => r.role)).toEqual(['support_agent']);
    // Its own team's customers come back PLAIN, the others MASKED.
    const read = data<{ customers: { edges: Array<{ node: { email: string | null } }> } }>(await as(id, '{ customers(first: 50) { edges { node { email } } } }'));
    expect(read.customers.edges.length).toBeGreaterThan(0);
    const after = await unusedOf();
    expect(after.plainFields.map((f) => f.field)).not.toContain('Customer.email');
    expect(after.plainFields.map((f) => f.field)).toContain('Customer.phone');
    expect(after.roles).toEqual([]);
  });

  it.each([['p-analyst'], ['p-support-east'], ['p-dpo']])('%s may not read it (FORBIDDEN)', async (who) => {
    expect(errorCodes(await as(who, REVIEW, {}, who === 'p-dpo' ? 'compliance' : undefined))).toEqual(['FORBIDDEN']);
  });
});

describe('periodic review', () => {
  const START = `mutation { startPeriodicReview(unusedDays: 30, reviewDays: 90, reason: "quarterly review, Q4 (ops@example.com)") { id status items decided reason } }`;
  const ITEMS = `query($id: ID!, $after: String) {
    periodicReviewItems(reviewId: $id, first: 5, after: $after) { pageInfo { hasNextPage endCursor } edges { node { principalId roles flags decision unusedPermissions { days plainFields { field } roles { role } } } } }
  }`;
  const DECIDE = `mutation($id: ID!, $p: ID!, $a: String!, $r: String) { decidePeriodicReview(reviewId: $id, principalId: $p, action: $a, reason: $r) { principalId decision decidedBy } }`;
  const SIGN = `mutation($id: ID!) { signOffPeriodicReview(reviewId: $id) { status signedOffBy decided items } }`;
  type Unused = { days: number; plainFields: Array<{ field: string }>; roles: Array<{ role: string }> };
  type Items = { periodicReviewItems: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: { principalId: string; roles: string[]; flags: string[]; unusedPermissions: Unused | null } }> } };

  it('start, decide each flagged principal, sign off: decisions applied and audited, the CSV says who decided what', async () => {
    const target = await clonePrincipal(s.koe.orm, 'p-cg-reviewed', 'p-analyst', ['analyst', 'marketing']);
    const review = data<{ startPeriodicReview: { id: string; status: string; items: number; reason: string } }>(await as('p-admin', START)).startPeriodicReview;
    expect(review.status).toBe('OPEN');
    // The reason is kept on the review and in its event, with the e-mail address masked.
    expect(review.reason).toMatch(/^quarterly review, Q4 \(/);
    expect(review.reason).not.toContain('ops@example.com');
    expect((await events('access.reviewStarted', `AccessReview:${review.id}`))[0]?.detail).toMatchObject({ reason: review.reason });
    expect(review.items).toBeGreaterThan(0);
    expect(errorCodes(await as('p-admin', START)), 'a second open review').toEqual(['BAD_USER_INPUT']);

    const items: Items['periodicReviewItems']['edges'] = [];
    let after: string | null = null;
    do {
      const page: Items = data<Items>(await as('p-auditor', ITEMS, { id: review.id, after }));
      items.push(...page.periodicReviewItems.edges);
      after = page.periodicReviewItems.pageInfo.hasNextPage ? page.periodicReviewItems.pageInfo.endCursor : null;
    } while (after);
    expect(items).toHaveLength(review.items);
    expect(items.map((i) => i.node.principalId)).toContain(target);
    // Never used: both roles and every PLAIN field they allow are unused, found when the review started.
    const unused = items.find((i) => i.node.principalId === target)!.node.unusedPermissions!;
    expect(unused.days).toBe(30);
    expect(unused.roles.map((r) => r.role)).toEqual(['analyst', 'marketing']);
    expect(unused.plainFields.length).toBeGreaterThan(0);

    // A role the principal did not hold, and an auditor deciding: refused.
    expect(errorCodes(await as('p-admin', DECIDE, { id: review.id, p: target, a: 'revoke:dpo' }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await as('p-auditor', DECIDE, { id: review.id, p: target, a: 'keep' }))).toEqual(['FORBIDDEN']);
    data(await as('p-admin', DECIDE, { id: review.id, p: target, a: 'revoke:marketing', r: 'left the campaign team' }));
    expect(errorCodes(await as('p-admin', SIGN, { id: review.id })), 'undecided principals left').toEqual(['BAD_USER_INPUT']);
    // Segregation of duties: p-admin may not decide its own item (the refused mutation is audited); a second admin does.
    expect(items.map((i) => i.node.principalId)).toContain('p-admin');
    const own = await as('p-admin', DECIDE, { id: review.id, p: 'p-admin', a: 'keep' });
    expect(own.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', argument: 'principalId' });
    expect(own.errors?.[0]?.message).toBe(`Segregation of duties: no reviewer may decide their own access: another reviewer must decide p-admin in review ${review.id}`);
    const refused = await s.koe.orm.em.fork().getConnection().execute<Array<{ n: number }>>(
      `select count(*)::int as n from audit_event where action = 'mutation' and actor_id = 'p-admin' and outcome = 'denied' and detail->'mutations' @> '[{"name":"decidePeriodicReview"}]'`,
    );
    expect(refused[0]?.n).toBe(1);
    const second = await clonePrincipal(s.koe.orm, 'p-cg-admin2', 'p-admin'); // a database of its own: a second admin is fine here
    data(await as(second, DECIDE, { id: review.id, p: 'p-admin', a: 'keep' }));
    for (const i of items) if (i.node.principalId !== target && i.node.principalId !== 'p-admin') data(await as('p-admin', DECIDE, { id: review.id, p: i.node.principalId, a: 'keep' }));
    expect(errorCodes(await as('p-auditor', SIGN, { id: review.id }))).toEqual(['FORBIDDEN']);

    const signed = data<{ signOffPeriodicReview: { status: string; signedOffBy: string; decided: number; items: number } }>(await as('p-admin', SIGN, { id: review.id })).signOffPeriodicReview;
    expect(signed).toMatchObject({ status: 'SIGNED_OFF', signedOffBy: 'p-admin', decided: review.items });
    expect(data<{ me: { roles: string[] } }>(await as(target, '{ me { roles } }')).me.roles).toEqual(['analyst']);
    expect(await events('access.revokeRole', `Principal:${target}`)).toHaveLength(1);
    expect(await events('access.reviewSignedOff', `AccessReview:${review.id}`)).toHaveLength(1);
    expect(errorCodes(await as('p-admin', DECIDE, { id: review.id, p: target, a: 'keep' })), 'a signed-off review is closed').toEqual(['BAD_USER_INPUT']);

    const csv = data<{ periodicReview: { csv: string } }>(await as('p-auditor', `query($id: ID!) { periodicReview(id: $id) { csv } }`, { id: review.id })).periodicReview.csv;
    const lines = csv.trim().split('\n');
    expect(lines[0]).toContain('"principal","name","status","roles","flags","decision","reason","decided by","decided at"');
    expect(lines).toHaveLength(review.items + 1);
    const line = lines.find((l) => l.includes(`"${target}"`))!;
    expect(line).toContain('"analyst marketing"');
    expect(line).toContain('"revoke:marketing","left the campaign team","p-admin"');
    expect(lines[0]).toContain('"unused permissions","review reason"');
    expect(line).toContain('revoke: analyst, marketing"');
    expect(line).toContain(`,"${review.reason}"`);
    expect(errorCodes(await as('p-analyst', `query($id: ID!) { periodicReview(id: $id) { csv } }`, { id: review.id }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await as('p-analyst', `{ periodicReviews { totalCount } }`))).toEqual(['FORBIDDEN']);
    const list = data<{ periodicReviews: { edges: Array<{ node: { id: string } }> } }>(await as('p-auditor', `{ periodicReviews(first: 5) { edges { node { id } } } }`));
    expect(list.periodicReviews.edges[0]?.node.id).toBe(review.id);
  }, 120_000);
});

describe('auditEvent', () => {
  it('an auditor reads one event by seq with its chain links; an analyst gets nothing', async () => {
    const latest = data<{ auditEvents: { edges: Array<{ node: { seq: number } }> } }>(await as('p-auditor', '{ auditEvents(first: 1) { edges { node { seq } } } }'));
    const seq = latest.auditEvents.edges[0]!.node.seq;
    const one = data<{ auditEvent: { seq: number; hash: string; prevHash: string; policyVersion: string } }>(await as('p-auditor', `query($s: Int!) { auditEvent(seq: $s) { seq hash prevHash policyVersion } }`, { s: seq }));
    expect(one.auditEvent).toMatchObject({ seq });
    expect(one.auditEvent.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(data<{ auditEvent: null }>(await as('p-analyst', `query($s: Int!) { auditEvent(seq: $s) { seq } }`, { s: seq })).auditEvent).toBeNull();
    expect(errorCodes(await as('p-auditor', `{ auditEvent(seq: 0) { seq } }`))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('verifyAuditChain', () => {
  const RUN = `query($id: ID) { verifyAuditChain(id: $id) { id status done total lastSeq problemSeq problemKind } }`;
  type Run = { verifyAuditChain: { id: string; status: string; done: number; total: number; lastSeq: string; problemSeq: string | null; problemKind: string | null } };

  it('an auditor verifies the chain; the run is listed as the last verification and readable by id', async () => {
    const id = randomUUID();
    const run = data<Run>(await as('p-auditor', RUN, { id })).verifyAuditChain;
    expect(run).toMatchObject({ id, status: 'OK', problemSeq: null });
    expect(run.done).toBeGreaterThan(10);
    expect(run.done).toBe(run.total);
    const last = data<{ auditVerifications: { edges: Array<{ node: { id: string; status: string } }> } }>(await as('p-admin', '{ auditVerifications(first: 1) { edges { node { id status } } } }'));
    expect(last.auditVerifications.edges[0]?.node).toEqual({ id, status: 'OK' });
    expect(data<{ auditVerification: { status: string } }>(await as('p-dpo', `query($id: ID!) { auditVerification(id: $id) { status } }`, { id })).auditVerification.status).toBe('OK');
    expect(errorCodes(await as('p-auditor', RUN, { id })), 'the same run id twice').toEqual(['BAD_USER_INPUT']);
  });

  it('names the first broken seq of an edited chain', async () => {
    const [row] = await s.db.sql<{ seq: string }>(`select seq::text as seq from audit_event order by seq limit 1 offset 5`);
    await asSuperuser(s.db, `update audit_event set outcome = 'tampered' where seq = ${row!.seq}`);
    try {
      const run = data<Run>(await as('p-auditor', RUN, {})).verifyAuditChain;
      expect(run).toMatchObject({ status: 'BROKEN', problemSeq: row!.seq, problemKind: 'hash' });
    } finally {
      await asSuperuser(s.db, `update audit_event set outcome = 'ok' where seq = ${row!.seq}`);
    }
  });

  it.each([['p-analyst'], ['p-support-east'], ['p-marketing']])('%s may not verify or read runs (FORBIDDEN)', async (who) => {
    expect(errorCodes(await as(who, RUN, {}))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await as(who, '{ auditVerifications { totalCount } }'))).toEqual(['FORBIDDEN']);
  });
});

describe('useRestriction', () => {
  const READ = `query($c: ID!) { useRestriction(customerId: $c) { purposes } }`;

  it('the DPO reads what a customer is restricted for (compliance), and it follows restrictUse and liftRestriction', async () => {
    const customer = data<{ customers: { edges: Array<{ node: { id: string } }> } }>(await as('p-dpo', '{ customers(first: 1) { edges { node { id } } } }', {}, 'compliance')).customers.edges[0]!.node.id;
    expect(data<{ useRestriction: null }>(await as('p-dpo', READ, { c: customer }, 'compliance')).useRestriction).toBeNull();
    data(await as('p-dpo', `mutation($c: ID!) { restrictUse(customerId: $c, purposes: ["marketing", "analytics"], reason: "request 12") { purposes } }`, { c: customer }, 'compliance'));
    expect(data<{ useRestriction: { purposes: string[] } }>(await as('p-dpo', READ, { c: customer }, 'compliance')).useRestriction.purposes).toEqual(['analytics', 'marketing']);
    data(await as('p-dpo', `mutation($c: ID!) { liftRestriction(customerId: $c, purposes: ["marketing"], reason: "ground ended") { purposes } }`, { c: customer }, 'compliance'));
    expect(data<{ useRestriction: { purposes: string[] } }>(await as('p-dpo', READ, { c: customer }, 'compliance')).useRestriction.purposes).toEqual(['analytics']);
    expect(errorCodes(await as('p-dpo', READ, { c: customer }, 'analytics'))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await as('p-admin', READ, { c: customer }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await as('p-auditor', READ, { c: customer }))).toEqual(['FORBIDDEN']);
  });
});

describe('useRestrictions', () => {
  const LIST = `query($after: String) { useRestrictions(first: 1, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { customerId purposes } } } }`;
  type List = { useRestrictions: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: { customerId: string; purposes: string[] } }> } };
  const all = async () => {
    const out: Array<{ customerId: string; purposes: string[] }> = [];
    let after: string | null = null;
    do {
      const page: List = data<List>(await as('p-dpo', LIST, { after }, 'compliance'));
      out.push(...page.useRestrictions.edges.map((e) => e.node));
      after = page.useRestrictions.pageInfo.hasNextPage ? page.useRestrictions.pageInfo.endCursor : null;
    } while (after);
    return out;
  };

  it('the DPO pages through the customers restricted now, newest first, one row per customer; a lifted one leaves the list', async () => {
    const ids = data<{ customers: { edges: Array<{ node: { id: string } }> } }>(await as('p-dpo', '{ customers(first: 5) { edges { node { id } } } }', {}, 'compliance')).customers.edges.map((e) => e.node.id);
    const [older, newer] = [ids[3]!, ids[4]!];
    const before = data<List>(await as('p-dpo', LIST, {}, 'compliance')).useRestrictions.totalCount;
    const restrict = (c: string, purposes: string[]) => as('p-dpo', `mutation($c: ID!, $p: [String!]!) { restrictUse(customerId: $c, purposes: $p, reason: "request") { purposes } }`, { c, p: purposes }, 'compliance');
    data(await restrict(older, ['marketing']));
    data(await restrict(newer, ['marketing', 'analytics']));
    const listed = await all();
    expect(listed).toHaveLength(before + 2);
    expect(new Set(listed.map((r) => r.customerId)).size).toBe(listed.length);
    expect(listed.slice(0, 2)).toEqual([{ customerId: newer, purposes: ['analytics', 'marketing'] }, { customerId: older, purposes: ['marketing'] }]);
    data(await as('p-dpo', `mutation($c: ID!) { liftRestriction(customerId: $c, purposes: ["marketing"], reason: "ground ended") { purposes } }`, { c: older }, 'compliance'));
    expect((await all()).map((r) => r.customerId)).not.toContain(older);
    expect(errorCodes(await as('p-dpo', LIST, { after: 'not-a-cursor' }, 'compliance'))).toEqual(['BAD_USER_INPUT']);
  });

  it.each([['p-dpo', 'analytics'], ['p-admin', undefined], ['p-auditor', undefined], ['p-analyst', undefined]])('%s (purpose %s) may not list them (FORBIDDEN)', async (who, purpose) => {
    expect(errorCodes(await as(who, LIST, {}, purpose))).toEqual(['FORBIDDEN']);
  });
});
