/**
 * Auditors review the trail through the gateway: they see the events other principals' requests
 * left, filter them, and page with cursors; other roles see no events, and auditors read no
 * customers.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, startTestKoe, type TestKoe } from '../support/koe.js';
import { loadFixtures, type Fixtures } from '../support/records.js';

let koe: TestKoe;
let fx: Fixtures;
let since: string;
const probe = `AuditReviewProbe_${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  koe = await startTestKoe();
  fx = await loadFixtures(koe.orm);
  since = new Date(Date.now() - 1000).toISOString();
  // The activity under review: an analyst reads two customers' emails (MASKED), a BI user is refused names.
  await as('p-analyst', `query ${probe}($a: ID!, $b: ID!) { a: customer(id: $a) { email } b: customer(id: $b) { email } }`, { a: fx.east.id, b: fx.west.id });
  await as('p-bi', `query ${probe}Bi($a: ID!) { customer(id: $a) { name } }`, { a: fx.east.id });
});
afterAll(async () => koe?.stop());

async function as(principal: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await postGraphQL(koe.platform.gatewayUrl, { query, variables }, { authorization: `Bearer ${await koe.token(principal)}` });
  return { ...res.json, text: JSON.stringify(res.json) };
}

interface EventNode {
  actorId: string | null;
  action: string;
  outcome: string;
  operationName: string | null;
  resources: string[];
  fields: Array<{ field: string; decision: string; count: number }>;
  seq: number;
}
const AUDIT = `query($filter: AuditEventFilter, $first: Int, $after: String) {
  auditEvents(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { seq actorId action outcome operationName resources fields { field decision count } hash prevHash } }
  } }`;

async function review(principal: string, filter: Record<string, unknown>, first = 100, after?: string) {
  const r = await as(principal, AUDIT, { filter: { after: since, ...filter }, first, after });
  const conn = (r.data as { auditEvents: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: EventNode }> } } | null)?.auditEvents;
  return { ...r, conn, nodes: conn?.edges.map((e) => e.node) ?? [] };
}
// The subgraphs' events of the probe requests; each also left a gateway edge event (action `edge`, no fields).
const probes = (nodes: EventNode[]) => nodes.filter((n) => n.operationName?.startsWith(probe) && n.action !== 'edge');

describe('auditEvents', () => {
  it('shows an auditor the analyst’s read with its per-field decision counts', async () => {
    const { nodes } = await review('p-auditor', { actorId: 'p-analyst' });
    const [event] = probes(nodes);
    expect(event).toMatchObject({ actorId: 'p-analyst', action: 'query', outcome: 'ok', fields: [{ field: 'Customer.email', decision: 'MASKED', count: 2 }] });
    expect(event!.resources).toEqual(expect.arrayContaining([`Customer:${fx.east.id}`, `Customer:${fx.west.id}`]));
  });

  it.each([
    ['field and decision', { field: 'Customer.email', decision: 'MASKED' }, ['p-analyst']],
    ['field and another decision', { field: 'Customer.name', decision: 'DENIED' }, ['p-bi']],
    ['outcome', { outcome: 'partial' }, ['p-bi']],
    ['resource', { resource: 'WEST' }, ['p-analyst']],
    ['actor', { actorId: 'p-bi' }, ['p-bi']],
    ['action', { action: 'mutation' }, []],
    ['a time range in the past', { before: '2000-01-01T00:00:00Z' }, []],
  ])('filters by %s', async (_what, filter, actors) => {
    // The table is built before beforeAll loads the fixtures: the west customer's id is filled in here.
    const f = 'resource' in filter ? { resource: `Customer:${fx.west.id}` } : filter;
    const { nodes, errors } = await review('p-auditor', f);
    expect(errors).toBeUndefined();
    expect(probes(nodes).map((n) => n.actorId).sort()).toEqual(actors);
  });

  it('pages newest first with cursors, without repeating an event', async () => {
    const first = await review('p-auditor', {}, 2);
    expect(first.conn!.pageInfo.hasNextPage).toBe(true);
    const second = await review('p-auditor', {}, 2, first.conn!.pageInfo.endCursor!);
    const seqs = [...first.nodes, ...second.nodes].map((n) => n.seq);
    expect(new Set(seqs).size).toBe(4);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
  });

  it.each(['p-analyst', 'p-support-east', 'p-marketing', 'p-bi'])('shows %s no events', async (principal) => {
    const { nodes, conn } = await review(principal, {});
    expect(nodes).toEqual([]);
    expect(conn?.totalCount ?? 0).toBe(0);
  });

  it('does not let an auditor read customers', async () => {
    const r = await as('p-auditor', 'query($id: ID!) { customer(id: $id) { name email } }', { id: fx.east.id });
    expect(r.text).not.toContain(fx.east.email);
    expect(r.text).not.toContain(fx.east.name);
  });
});
