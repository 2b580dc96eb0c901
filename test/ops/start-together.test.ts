/**
 * `koe start --together`: every server in each of KOE_WORKERS processes sharing the ports, the
 * gateway calling its own process's subgraphs without a socket. Guards against: a layout that
 * answers without auditing (the subgraphs' events and the edge event for every request), a subgraph
 * port that answers without credentials, and a worker left behind after Ctrl-C.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/auth/jwt.js';
import { groupProcesses, interruptGroup, koeScratch, startKoeProcess, type KoeProcess, type KoeScratch } from '../support/koe-process.js';

const DASHBOARD = '{ feedbacks(first: 2) { edges { node { id channel customer { id email } } } } }';

let scratch: KoeScratch;
let koe: KoeProcess;
let token: string;

beforeAll(async () => {
  scratch = await koeScratch();
  koe = await startKoeProcess(scratch, 600_000, { KOE_WORKERS: '2' }, { detached: true, together: true });
  token = await issueToken(new TextEncoder().encode(scratch.env.KOE_JWT_SECRET!), 'p-analyst');
}, 720_000);
afterAll(async () => {
  if (koe && koe.child.exitCode === null) process.kill(-koe.pid, 'SIGKILL');
  await scratch?.remove();
}, 60_000);

async function post(url: string, query: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }), signal: AbortSignal.timeout(30_000) });
  return { status: res.status, body: (await res.json()) as { data?: { feedbacks: { edges: Array<{ node: { customer: { email: string } | null } }> } }; errors?: unknown[] } };
}

describe('koe start --together (KOE_WORKERS=2)', () => {
  it('runs two processes, each with every server, and audits every request they answer', async () => {
    const group = await groupProcesses(koe.pid);
    expect(group.filter((l) => l.includes('start --only all')), group.join('\n')).toHaveLength(2);
    expect(group.filter((l) => /start --only (gateway|customers|feedback|audit)/.test(l))).toEqual([]);
    expect(koe.lines.join('\n')).toMatch(/2 server processes, each running every server/);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const requestId = `together-${randomUUID()}`;
      ids.push(requestId);
      const r = await post(koe.gatewayUrl, DASHBOARD, { authorization: `Bearer ${token}`, 'x-request-id': requestId });
      expect(r.status).toBe(200);
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data!.feedbacks.edges).toHaveLength(2);
    }
    // Read back as the auditor, through the same gateway.
    const auditor = `Bearer ${await issueToken(new TextEncoder().encode(scratch.env.KOE_JWT_SECRET!), 'p-auditor')}`;
    const res = await fetch(koe.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auditor },
      body: JSON.stringify({ query: '{ auditEvents(first: 100) { edges { node { seq requestId subgraph action } } } }' }),
    });
    const json = (await res.json()) as { data: unknown; errors?: unknown };
    expect(json.errors, JSON.stringify(json.errors)).toBeUndefined();
    const events = (json as { data: { auditEvents: { edges: Array<{ node: { seq: number; requestId: string; subgraph: string; action: string } }> } } }).data.auditEvents.edges.map((e) => e.node);
    for (const id of ids) {
      const own = events.filter((e) => e.requestId === id && !e.action.startsWith('alert.')).sort((a, b) => a.seq - b.seq);
      expect(own.map((e) => e.subgraph), id).toEqual(['feedback', 'customers', 'gateway']);
    }
  }, 120_000);

  it('refuses requests without credentials on the gateway and on a subgraph port', async () => {
    expect((await post(koe.gatewayUrl, DASHBOARD)).status).toBe(401);
    const customers = koe.lines.find((l) => /^\s+customers\s+http/.test(l))!.trim().split(/\s+/)[1]!;
    expect((await post(customers, '{ customers(first: 1) { edges { node { id } } } }')).status).toBe(401);
  }, 60_000);

  it('stops every process of the group on Ctrl-C, leaving none behind', async () => {
    const { code, left } = await interruptGroup(koe);
    expect(code).toBe(0);
    expect(left, left.join('\n')).toEqual([]);
  }, 120_000);
});
