/**
 * What the recorder writes for real requests through the gateway and straight to subgraphs: one
 * event per operation per subgraph, committed before the response arrives, with decisions counted
 * per field, the records touched, and no personal value anywhere in the row.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEventEntity } from '../../src/data/entities/index.js';
import { postGraphQL, startTestKoe, type TestKoe } from '../support/koe.js';
import { loadFixtures, type Fixtures } from '../support/records.js';

let koe: TestKoe;
let fx: Fixtures;
beforeAll(async () => {
  koe = await startTestKoe();
  fx = await loadFixtures(koe.orm);
});
afterAll(async () => koe?.stop());

/**
 * Sends one request with a fresh request id and returns the response and the operation events it
 * left: the gateway's edge event (test/e2e/audit-edge.test.ts) and alerts (written after the
 * response, so they may or may not be there yet) are left out; `all` has every one.
 */
async function audited(principal: string | null, query: string, variables: Record<string, unknown> = {}, url = koe.platform.gatewayUrl) {
  const requestId = `audit-test-${randomUUID()}`;
  const headers: Record<string, string> = { 'x-request-id': requestId, ...(principal ? { authorization: `Bearer ${await koe.token(principal)}` } : { authorization: 'Bearer not-a-token' }) };
  const res = await postGraphQL(url, { query, variables }, headers);
  // Read right after the response: the event must already be committed, not on its way.
  const all = await koe.orm.em.fork().find(AuditEventEntity, { requestId }, { orderBy: { seq: 'asc' } });
  const events = all.filter((e) => e.action !== 'edge' && !e.action.startsWith('alert.'));
  return { res, events, all, text: JSON.stringify(all) };
}

describe('useAuditRecorder', () => {
  it('records a read: actor, operation, hash, decisions per field and the customers touched', async () => {
    const { res, events } = await audited('p-analyst', 'query AnalystEmails { customers(first: 5) { edges { node { id email } } } }');
    const ids = (res.json.data as { customers: { edges: Array<{ node: { id: string } }> } }).customers.edges.map((e) => e.node.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorId: 'p-analyst',
      roles: ['analyst'],
      action: 'query',
      outcome: 'ok',
      operationName: 'AnalystEmails',
      operationHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      subgraph: 'customers',
      fields: [{ field: 'Customer.email', decision: 'MASKED', count: 5 }],
      policyVersion: expect.stringMatching(/\S/),
      clientAddress: expect.stringMatching(/\S/),
      prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // Every customer returned is named; the page's one look-ahead row may be too (loaded, not shown).
    expect(events[0]!.resources).toEqual(expect.arrayContaining(ids.map((id) => `Customer:${id}`)));
    expect(events[0]!.resources.length).toBeLessThanOrEqual(ids.length + 1);
  });

  it('names the records read even when the query does not select their id', async () => {
    const { events } = await audited('p-admin', 'query($id: ID!) { customer(id: $id) { email } }', { id: fx.east.id });
    expect(events[0]).toMatchObject({ resources: [`Customer:${fx.east.id}`], fields: [{ field: 'Customer.email', decision: 'PLAIN', count: 1 }] });
    expect(JSON.stringify(events)).not.toContain(fx.east.email);
  });

  it('records a partly refused read as partial with its DENIED counts', async () => {
    const { events } = await audited('p-bi', 'query($id: ID!) { customer(id: $id) { name email } }', { id: fx.east.id });
    expect(events[0]).toMatchObject({ outcome: 'partial', fields: expect.arrayContaining([{ field: 'Customer.name', decision: 'DENIED', count: 1 }]) });
  });

  it('records one event per subgraph for a query planned across two, under the gateway request id', async () => {
    // Team feedback has a customer (anonymous feedback, which other files submit, has none): the plan needs _entities.
    const { res, events, all } = await audited('p-admin', 'query Inbox { feedbacks(first: 3, filter: { teamId: "team-east" }) { edges { node { id body customer { email } } } } }');
    expect(events.map((e) => [e.subgraph, e.action, e.operationName])).toEqual(expect.arrayContaining([['feedback', 'query', 'Inbox'], ['customers', 'entities', 'Inbox']]));
    expect(events).toHaveLength(2);
    expect(all.filter((e) => e.action === 'edge')).toHaveLength(1);
    const ids = (res.json.data as { feedbacks: { edges: Array<{ node: { id: string } }> } }).feedbacks.edges.map((e) => `Feedback:${e.node.id}`);
    // The page's look-ahead row is loaded too, so it is named as well: a superset, never fewer.
    expect(events.find((e) => e.subgraph === 'feedback')!.resources).toEqual(expect.arrayContaining(ids));
  });

  it('records _entities sent straight to a subgraph as action entities', async () => {
    const q = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { email } } }';
    const { events } = await audited('p-analyst', q, { r: [{ __typename: 'Customer', id: fx.west.id }] }, koe.platform.subgraphUrls.customers);
    expect(events[0]).toMatchObject({ action: 'entities', resources: [`Customer:${fx.west.id}`], fields: [{ field: 'Customer.email', decision: 'MASKED', count: 1 }] });
  });

  it('records a refused mutation as denied, with its arguments masked', async () => {
    const input = { name: '監査 太郎', email: 'audit.taro@example.jp', phone: '090-1111-2222', segment: 'gold' };
    const { res, events, text } = await audited('p-analyst', 'mutation Up($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { id } }', { input });
    expect(res.json.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(events[0]).toMatchObject({
      action: 'mutation',
      outcome: 'denied',
      detail: { mutations: [{ name: 'upsertCustomer', arguments: { input: { name: '[REDACTED]', email: '[REDACTED]', phone: '[REDACTED]', segment: 'gold' } } }] },
    });
    for (const v of [input.name, input.email, input.phone]) expect(text).not.toContain(v);
  });

  it('records a mutation that changed a record, naming it', async () => {
    const { events } = await audited('p-admin', 'mutation($id: ID!) { updateFeedbackStatus(id: $id, status: IN_PROGRESS) { id } }', { id: fx.eastFeedback.id });
    expect(events[0]).toMatchObject({
      action: 'mutation',
      outcome: 'ok',
      resources: expect.arrayContaining([`Feedback:${fx.eastFeedback.id}`]),
      detail: { mutations: [{ name: 'updateFeedbackStatus', arguments: { id: fx.eastFeedback.id, status: 'IN_PROGRESS' } }] },
    });
  });

  it('records a refused authentication at a subgraph without a principal', async () => {
    const { res, events } = await audited(null, '{ customers { totalCount } }', {}, koe.platform.subgraphUrls.customers);
    expect(res.status).toBe(401);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'authenticate', outcome: 'unauthenticated', actorId: null, roles: [], subgraph: 'customers', clientAddress: expect.stringMatching(/\S/) });
    expect(events[0]!.detail).toMatchObject({ code: 'UNAUTHENTICATED', reason: expect.stringMatching(/^Not authenticated/) });
  });

  it('records a forged token refused at the gateway, which no subgraph ever sees', async () => {
    const { res, events } = await audited(null, '{ customers { totalCount } }', {}, koe.platform.gatewayUrl);
    expect(res.status).toBe(401);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'authenticate', outcome: 'unauthenticated', actorId: null, subgraph: 'gateway' });
  });
});
