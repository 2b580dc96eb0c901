/**
 * Bad input is the caller's mistake: 400 BAD_USER_INPUT naming the argument, on the gateway and
 * straight at each subgraph, before any data is read or written. Written as the attacker who found
 * each of these answering 500 or 503 (issues 13 and 14): text PostgreSQL cannot store, variables of
 * the wrong type, documents that resolve to no operation, `_entities` fed junk, forged cursors.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEventEntity, ConsentEntity, CustomerEntity, FeedbackEntity } from '../../src/data/entities/index.js';
import { postGraphQL, type GraphQLBody, type TestKoe } from '../support/koe.js';
import { seededScratchKoe, type SeededScratchKoe } from '../support/scratch-koe-db.js';

let scratch: SeededScratchKoe;
let koe: TestKoe;
let customerId: string;
beforeAll(async () => {
  // Its own database: were a refusal to fail, the writes it lets through must not reach other files' data.
  scratch = await seededScratchKoe({ customers: 20, feedback: 40 });
  koe = scratch.koe;
  customerId = (await koe.orm.em.fork().find(CustomerEntity, {}, { orderBy: { id: 'asc' }, limit: 1 }))[0]!.id;
});
afterAll(async () => scratch?.stop());

type Target = 'gateway' | 'customers' | 'feedback' | 'audit';
const urlOf = (t: Target) => (t === 'gateway' ? koe.platform.gatewayUrl : koe.platform.subgraphUrls[t]);

/** Posts as the admin with a fresh request id; the statements that touched data tables on the way. */
async function attack(target: Target, body: unknown): Promise<{ status: number; json: GraphQLBody; requestId: string; dataSql: string[] }> {
  const requestId = `bad-input-${randomUUID()}`;
  koe.resetQueries();
  const res = await postGraphQL(urlOf(target), body, { authorization: `Bearer ${await koe.token('p-admin')}`, 'x-request-id': requestId });
  const dataSql = koe.queries.filter((q) => /\b(from|into|update)\s+"?(customer|consent|feedback|purchase|use_restriction|provision_record)"?\b/i.test(q));
  return { ...res, requestId, dataSql };
}

function expectRefused(res: { status: number; json: GraphQLBody }, argument: string): void {
  expect(res.status, JSON.stringify(res.json)).toBe(400);
  expect(res.json.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
  expect(res.json.data ?? null).toBeNull();
}

describe('text no column can store', () => {
  // Regression: the NUL reached the driver and the request answered 503 "database unreachable".
  it.each(['gateway', 'customers'] as const)('refuses a NUL in a literal filter at %s before any SQL', async (target) => {
    const res = await attack(target, { query: '{ customers(filter: { segment: "gold\\u0000" }) { totalCount } }' });
    expectRefused(res, 'filter.segment');
    expect(res.json.errors![0]!.message).toContain('NUL');
    expect(res.dataSql).toEqual([]);
  });

  it.each(['gateway', 'customers'] as const)('refuses an unpaired surrogate in a variable at %s', async (target) => {
    const res = await attack(target, { query: 'query($f: CustomerFilter) { customers(filter: $f) { totalCount } }', variables: { f: { segment: 'gold\ud800' } } });
    expectRefused(res, 'filter.segment');
    expect(res.dataSql).toEqual([]);
  });

  // Regression: these mutations saved their change and then failed to write the audit event.
  it.each([
    ['upsertCustomer', 'mutation($i: UpsertCustomerInput!) { upsertCustomer(input: $i) { id } }', () => ({ i: { name: '攻撃 太郎', email: 'attacker@example.com', segment: 'gold\ud800' } }), 'input.segment'],
    ['recordConsent', 'mutation($c: ID!, $s: String!) { recordConsent(customerId: $c, purpose: "marketing", source: $s) { purpose } }', () => ({ c: customerId, s: 'web\ud800' }), 'source'],
    ['withdrawConsent', 'mutation($c: ID!, $s: String!) { withdrawConsent(customerId: $c, purpose: "marketing", source: $s) { purpose } }', () => ({ c: customerId, s: 'app\udfff' }), 'source'],
    ['submitFeedback (in a list)', 'mutation($i: SubmitFeedbackInput!) { submitFeedback(input: $i) { id } }', () => ({ i: { channel: 'WEB', body: 'ok', tags: ['fine', 'x\u0000'] } }), 'input.tags[1]'],
  ] as const)('refuses %s with unstorable text, writing nothing', async (_name, query, variables, argument) => {
    const em = koe.orm.em.fork();
    const before = { customers: await em.count(CustomerEntity, {}), consents: await em.count(ConsentEntity, {}), withdrawn: await em.count(ConsentEntity, { withdrawnAt: { $ne: null } }), feedback: await em.count(FeedbackEntity, {}) };
    for (const target of ['gateway', _name.startsWith('submit') ? 'feedback' : 'customers'] as const) {
      const res = await attack(target, { query, variables: variables() });
      expectRefused(res, argument);
      expect(res.dataSql).toEqual([]);
      // The refusal itself is recorded (an attempt is worth a trace), as an error: nothing ran.
      const events = await koe.orm.em.fork().find(AuditEventEntity, { requestId: res.requestId });
      expect(events.every((e) => e.outcome === 'error')).toBe(true);
    }
    const after = { customers: await em.count(CustomerEntity, {}), consents: await em.count(ConsentEntity, {}), withdrawn: await em.count(ConsentEntity, { withdrawnAt: { $ne: null } }), feedback: await em.count(FeedbackEntity, {}) };
    expect(after).toEqual(before);
  });

  it('accepts the same text when it is valid Unicode (emoji, right-to-left, CJK)', async () => {
    const res = await attack('gateway', { query: 'query($f: CustomerFilter) { customers(filter: $f) { totalCount } }', variables: { f: { segment: 'gold 👍 \u05e9\u05dc\u05d5\u05dd 金' } } });
    expect(res.status).toBe(200);
    expect(res.json.data).toEqual({ customers: { totalCount: 0 } });
  });
});

describe('variables that do not fit their types', () => {
  const cases = [
    ['a string for an Int', 'query($n: Int) { customers(first: $n) { totalCount } }', { n: 'ten' }, 'first', 'customers'],
    ['a missing required variable', 'query($id: ID!) { customer(id: $id) { id } }', {}, 'id', 'customers'],
    ['an unknown enum value', 'query($c: Channel) { feedbacks(filter: { channel: $c }) { totalCount } }', { c: 'FAX' }, 'filter.channel', 'feedback'],
    ['a float for an Int', 'query($n: Int) { feedbacks(first: $n) { totalCount } }', { n: 1.5 }, 'first', 'feedback'],
    ['an object for a String', 'query($a: String) { auditEvents(after: $a) { totalCount } }', { a: { $gt: '' } }, 'after', 'audit'],
  ] as const;
  // Regression: answered HTTP 500 INTERNAL_SERVER_ERROR (the cost estimate threw on them first).
  it.each(cases)('refuses %s with 400 at the gateway and the subgraph', async (_name, query, variables, argument, subgraph) => {
    for (const target of ['gateway', subgraph] as const) {
      const res = await attack(target, { query, variables });
      expectRefused(res, argument);
      expect(res.json.errors![0]!.extensions!.variable).toBe(Object.keys(variables)[0] ?? 'id');
      expect(res.dataSql).toEqual([]);
    }
  });
});

describe('documents that resolve to no operation', () => {
  const cases = [
    ['an operationName matching nothing', { query: 'query A { me { id } }', operationName: 'B' }, 'operationName'],
    ['several operations and no operationName', { query: 'query A { me { id } } query B { me { id } }' }, 'operationName'],
    ['a subscription', { query: 'subscription { me { id } }' }, 'query'],
  ] as const;
  // Regression: the gateway answered these with 500.
  it.each(cases)('refuses %s with 400 on the gateway and the audit subgraph', async (_name, body, argument) => {
    for (const target of ['gateway', 'audit'] as const) expectRefused(await attack(target, body), argument);
  });

  it('refuses two anonymous operations with 400', async () => {
    for (const target of ['gateway', 'audit'] as const) {
      const res = await attack(target, { query: '{ me { id } } { me { id } }' });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.json)).not.toContain('Internal server error');
    }
  });
});

describe('_entities straight to a subgraph', () => {
  const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }';
  const cases = [
    ['an unknown __typename', [{ __typename: 'Nope', id: 'x' }], 'representations[0].__typename'],
    ['a null representation', [null], 'representations'],
    ['a string representation', ['Customer'], 'representations[0]'],
    ['a list as a representation', [[{ __typename: 'Customer' }]], 'representations[0]'],
    ['no __typename', [{ id: 'x' }], 'representations[0].__typename'],
    ['a NUL inside a key field', [{ __typename: 'Customer', id: 'a\u0000' }], 'representations[0].id'],
    ['an unpaired surrogate in a key of the second', [{ __typename: 'Customer', id: 'a' }, { __typename: 'Customer', id: 'b', ['k\udfff']: 1 }], 'representations[1]'],
  ] as const;
  // Regression: 500 (null) and 200 INTERNAL_SERVER_ERROR (unknown type, string).
  // The audit subgraph owns no entity type, so it has no `_entities`.
  it.each(cases)('refuses %s with 400 BAD_USER_INPUT on each subgraph that resolves entities', async (_name, representations, argument) => {
    for (const target of ['customers', 'feedback'] as const) {
      const res = await attack(target, { query: ENTITIES, variables: { r: representations } });
      expectRefused(res, argument);
      expect(res.dataSql).toEqual([]);
    }
  });
});

describe('cursors', () => {
  const page = async (query: string) => {
    const res = await attack('gateway', { query });
    expect(res.json.errors).toBeUndefined();
    return res.json.data as Record<string, { pageInfo: { endCursor: string } }>;
  };

  it('refuses a made-up base64 cursor, naming after', async () => {
    const forged = Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', 'x'])).toString('base64url');
    for (const target of ['gateway', 'customers'] as const) {
      const res = await attack(target, { query: `{ customers(first: 2, after: "${forged}") { totalCount } }` });
      expectRefused(res, 'after');
      expect(res.dataSql).toEqual([]);
    }
  });

  // Regression: a customers cursor on feedbacks ordered by rating reached SQL and answered 500.
  it('refuses an endCursor of customers reused on feedbacks ordered by rating', async () => {
    const { customers } = await page('{ customers(first: 2) { pageInfo { endCursor } } }');
    const res = await attack('gateway', { query: `{ feedbacks(first: 2, after: "${customers!.pageInfo.endCursor}", orderBy: { field: RATING }) { totalCount } }` });
    expectRefused(res, 'after');
    expect(res.json.errors![0]!.message).toContain('another list');
  });

  it('refuses a cursor of the same list in another order, and one edited to point elsewhere', async () => {
    const { feedbacks } = await page('{ feedbacks(first: 2, orderBy: { field: RATING, direction: DESC }) { pageInfo { endCursor } } }');
    const cursor = feedbacks!.pageInfo.endCursor;
    expectRefused(await attack('gateway', { query: `{ feedbacks(first: 2, after: "${cursor}", orderBy: { field: RATING, direction: ASC }) { totalCount } }` }), 'after');
    const [payload, mac] = cursor.split('.');
    const [list, , id] = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as [string, number, string];
    const edited = `${Buffer.from(JSON.stringify([list, 'not a rating', id])).toString('base64url')}.${mac}`;
    expectRefused(await attack('feedback', { query: `{ feedbacks(first: 2, after: "${edited}", orderBy: { field: RATING, direction: DESC }) { totalCount } }` }), 'after');
  });

  it('still pages with the cursors it hands out', async () => {
    const { feedbacks } = await page('{ feedbacks(first: 2, orderBy: { field: RATING, direction: DESC }) { pageInfo { endCursor } } }');
    const next = await attack('gateway', { query: `{ feedbacks(first: 2, after: "${feedbacks!.pageInfo.endCursor}", orderBy: { field: RATING, direction: DESC }) { edges { node { id } } } }` });
    expect(next.status).toBe(200);
    expect((next.json.data as { feedbacks: { edges: unknown[] } }).feedbacks.edges).toHaveLength(2);
  });
});
