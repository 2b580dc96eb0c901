/**
 * The gateway calls the subgraphs of its own process without a socket (src/server/local-call.ts).
 * Guards against that path answering, deciding or auditing differently from HTTP: both gateways run
 * on one database and must give the same bytes to the same principal, refuse the same fields, leave
 * the same events (the subgraphs' handed back, the caller's address the loopback peer), and log each
 * subgraph call; and against a closed subgraph still answering in-process.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCaller } from '../../src/server/local-call.js';
import { startTestKoe, type TestKoe } from '../support/koe.js';

const lines: Array<Record<string, unknown>> = [];
const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });

let local: TestKoe;
let wire: TestKoe;
beforeAll(async () => {
  local = await startTestKoe(undefined, { logger });
  wire = await startTestKoe(undefined, { subgraphCalls: 'http' });
});
afterAll(async () => {
  await local?.stop();
  await wire?.stop();
});

const DASHBOARD = 'query Dashboard { feedbacks(first: 20) { edges { node { id channel body receivedAt customer { id name email phone address } } } } }';
// support_agent: its own team's customers in plain, the others masked (a row condition).
const TEAM = 'query Team { customers(first: 20) { edges { node { id name email phone birthDate } } } }';

async function send(koe: TestKoe, query: string, principal: string) {
  const requestId = `calls-${randomUUID()}`;
  const res = await fetch(koe.platform.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await koe.token(principal)}`, 'x-request-id': requestId },
    body: JSON.stringify({ query }),
  });
  const text = await res.text();
  const events = await koe.orm.em.getConnection().execute<Array<{ subgraph: string; action: string; outcome: string; fields: string[]; client_address: string | null; resources: unknown }>>(
    // Alerts are appended after the response, whenever their queue runs: not part of the request's own events.
    "select subgraph, action, outcome, fields, client_address, resources from audit_event where request_id = ? and action not like 'alert.%' order by seq", [requestId]);
  return { status: res.status, text, requestId, events };
}

describe('subgraphs called in-process by the gateway', () => {
  it.each([
    ['the dashboard as analyst', DASHBOARD, 'p-analyst'],
    ['customers as a support agent (row condition, masks)', TEAM, 'p-support-east'],
    ['the dashboard as a disabled principal', DASHBOARD, 'p-leaver'],
  ])('answers %s byte for byte as over HTTP, with the same events', async (_, query, principal) => {
    const a = await send(local, query, principal);
    const b = await send(wire, query, principal);
    expect(a.status).toBe(b.status);
    expect(a.text.replaceAll(a.requestId, 'RID')).toBe(b.text.replaceAll(b.requestId, 'RID'));
    expect(a.events.length).toBeGreaterThan(0);
    expect(a.events).toEqual(b.events);
  });

  it('still decides in the subgraph: a support agent reads its own team in plain, the others masked', async () => {
    const r = await send(local, TEAM, 'p-support-east');
    const body = JSON.parse(r.text) as { data: { customers: { edges: Array<{ node: { id: string; email: string | null } }> } } };
    const nodes = body.data.customers.edges.map((e) => e.node);
    const teams = new Map((await local.orm.em.getConnection().execute<Array<{ id: string; team_id: string | null; email: string }>>(
      'select id, team_id from customer')).map((c) => [c.id, c.team_id]));
    const own = nodes.filter((n) => teams.get(n.id) === 'team-east');
    const others = nodes.filter((n) => teams.get(n.id) !== 'team-east');
    expect(own.length).toBeGreaterThan(0);
    expect(others.length).toBeGreaterThan(0);
    for (const n of own) expect(n.email).toMatch(/^[^*]+@[^*]+$/);
    for (const n of others) expect(n.email ?? '*').toContain('*');
    // The audit names the records read, masked or plain, as over HTTP.
    expect(r.events.find((e) => e.subgraph === 'customers')?.resources).toBeTruthy();
  });

  it('records each subgraph call as over HTTP: its events name the loopback peer, its log line the subgraph', async () => {
    const r = await send(local, DASHBOARD, 'p-analyst');
    expect(r.events.map((e) => e.subgraph)).toEqual(['feedback', 'customers', 'gateway']);
    expect(r.events.filter((e) => e.subgraph !== 'gateway').every((e) => e.client_address === '127.0.0.1')).toBe(true);
    const logged = lines.filter((l) => l.requestId === r.requestId && l.msg === 'request').map((l) => l.server).sort();
    expect(logged).toEqual(['customers', 'feedback', 'gateway']);
  });

  it('refuses a call once the server is closed, as a refused connection', async () => {
    let open = true;
    const call = localCaller({
      answer: async () => ({ status: 200, headers: [], body: '{"data":{}}' }),
      fail: () => ({ status: 500, headers: [], body: '' }),
      maxBody: 1024,
      isOpen: () => open,
    }, '127.0.0.1');
    expect((await call({ method: 'POST', headers: {}, body: '{}' })).status).toBe(200);
    open = false;
    await expect(call({ method: 'POST', headers: {}, body: '{}' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
