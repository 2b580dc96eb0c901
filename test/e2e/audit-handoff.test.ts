/**
 * Subgraphs called by Koe's gateway hand their read events back in `extensions.koeAudit`, and the
 * gateway appends them with its edge event. Guards against: a forged, altered or replayed event
 * accepted (the real one never reaches the chain while the data goes out); the extension leaking to
 * a client; a direct call (or one with a bad assertion) no longer appending its own event; the
 * alert rules and checkpoints no longer seeing gateway traffic; data sent while the audit table
 * refuses inserts.
 * A second gateway calls the subgraphs through a proxy of this test's that rewrites what they hand
 * back. On its own database, with an alert policy of its own.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDOFF_EXTENSION, type HandedOffEvent } from '../../src/audit/handoff.js';
import { verifyChain } from '../../src/audit/verify.js';
import { PRINCIPAL_ASSERTION_HEADER, signPrincipalAssertion } from '../../src/auth/principal-assertion.js';
import { loadConfig } from '../../src/config/index.js';
import { derivedKey } from '../../src/crypto/derive.js';
import type { PolicySet } from '../../src/policies/index.js';
import type { RunningHttp } from '../../src/server/http.js';
import { startGatewayOf } from '../../src/server/platform.js';
import { loadPolicy } from '../../src/server/policy.js';
import { policyDirWithAudit, until } from '../support/audit-alerts.js';
import { testCrypto } from '../support/crypto.js';
import { startTestKoe, TEST_JWT_SECRET, TEST_PSEUDONYM_KEY, type TestKoe } from '../support/koe.js';
import { seededScratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';
import { TEST_CHECKPOINT_KEY } from '../support/audit-chain.js';

const AUDIT_YAML = `alerts:
  plain_customer_reads: { threshold: 3, window: 10m }
retention:
  default: 1y
`;
const SPANNING = 'query Inbox { feedbacks(first: 3) { edges { node { id body customer { email } } } } }';
const EMAILS = 'query Emails { customers(first: 5) { edges { node { id email } } } }';

type Tamper = (handed: HandedOffEvent, subgraph: string) => unknown;
/** What the proxy does to each handed-back event; null: passes it through. */
let tamper: Tamper | null = null;
/** The last genuine event each subgraph handed back through the proxy. */
const lastGenuine = new Map<string, HandedOffEvent>();

let db: ScratchKoeDb;
let koe: TestKoe;
let policy: PolicySet;
let proxies: Server[] = [];
let tampered: RunningHttp;
beforeAll(async () => {
  db = await seededScratchKoeDb();
  policy = await loadPolicy(policyDirWithAudit(AUDIT_YAML));
  // A checkpoint every 3 events, signed with the test key (the configuration is read once, at start).
  const saved = { key: process.env.KOE_MASTER_KEY, every: process.env.KOE_AUDIT_CHECKPOINT_EVERY };
  Object.assign(process.env, { KOE_MASTER_KEY: 'koe-test-master-key', KOE_AUDIT_CHECKPOINT_EVERY: '3' });
  try {
    koe = await startTestKoe(policy, { databaseUrl: db.url });
  } finally {
    for (const [name, value] of [['KOE_MASTER_KEY', saved.key], ['KOE_AUDIT_CHECKPOINT_EVERY', saved.every]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  const urls = { ...koe.platform.subgraphUrls };
  for (const name of ['customers', 'feedback'] as const) urls[name] = await proxy(name, urls[name]);
  const deps = { config: loadConfig(), orm: koe.orm, crypto: await testCrypto(koe.orm), jwtSecret: TEST_JWT_SECRET, pseudonymKey: TEST_PSEUDONYM_KEY, policy };
  tampered = await startGatewayOf(deps, urls, '127.0.0.1', 0);
});
afterAll(async () => {
  await tampered?.close();
  for (const p of proxies) await new Promise((r) => p.close(r));
  await koe?.stop();
  await db?.drop();
});

/** A pass-through to `target` that applies `tamper` to the `koeAudit` extension of each answer. */
async function proxy(subgraph: string, target: string): Promise<string> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)) headers[k] = v;
    const answer = await fetch(target, { method: req.method ?? 'POST', headers, ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}) });
    let text = await answer.text();
    const body = JSON.parse(text) as { extensions?: Record<string, unknown> };
    const handed = body.extensions?.[HANDOFF_EXTENSION] as HandedOffEvent | undefined;
    if (handed && tamper) {
      body.extensions![HANDOFF_EXTENSION] = tamper(handed, subgraph);
      text = JSON.stringify(body);
    } else if (handed) lastGenuine.set(subgraph, handed);
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(text);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxies.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

async function send(url: string, query: string, principal = 'p-analyst', headers: Record<string, string> = {}) {
  const requestId = `handoff-${randomUUID()}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await koe.token(principal)}`, 'x-request-id': requestId, ...headers },
    body: JSON.stringify({ query }),
  });
  const text = await res.text();
  const json = JSON.parse(text) as { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }>; extensions?: Record<string, unknown> };
  const events = await db.sql<{ subgraph: string; action: string; detail: Record<string, unknown> | null }>(
    'select subgraph, action, detail from audit_event where request_id = ? order by seq', [requestId]);
  return { status: res.status, json, text, requestId, events };
}

describe('audit events handed back to the gateway', () => {
  it('appends them through a gateway whose subgraph answers pass a proxy untouched (the control case)', async () => {
    tamper = null;
    const r = await send(tampered.url, SPANNING);
    expect(r.status).toBe(200);
    expect(r.json.errors).toBeUndefined();
    expect(r.events.map((e) => e.subgraph)).toEqual(['feedback', 'customers', 'gateway']);
    expect(lastGenuine.size).toBe(2);
  });

  it.each<[string, Tamper]>([
    ['a forged tag', (h) => ({ ...h, mac: 'A'.repeat(43) })],
    ['the event altered after signing (its records dropped)', (h) => ({ ...h, prefix: h.prefix.replace(/"resources":\[[^\]]*\]/, '"resources":[]') })],
    ['the genuine event of an earlier request', (_, subgraph) => lastGenuine.get(subgraph)],
    ['an extension of the wrong shape', () => 'v1.forged'],
  ])('answers 503 AUDIT_UNAVAILABLE with no data, and appends nothing, for %s', async (_, how) => {
    tamper = how;
    try {
      const r = await send(tampered.url, SPANNING);
      expect(r.status).toBe(503);
      expect(r.json.data ?? null).toBeNull();
      expect(r.json.errors?.map((e) => e.extensions?.code)).toEqual(['AUDIT_UNAVAILABLE']);
      expect(r.events).toEqual([]);
    } finally {
      tamper = null;
    }
    expect((await verifyChain(db.sql)).ok).toBe(true);
  });

  it('never shows a client the handed-back extension', async () => {
    const r = await send(koe.platform.gatewayUrl, SPANNING);
    expect(r.status).toBe(200);
    expect(r.json.extensions?.[HANDOFF_EXTENSION]).toBeUndefined();
    expect(r.text).not.toContain(HANDOFF_EXTENSION);
    expect(r.events.map((e) => e.subgraph)).toEqual(['feedback', 'customers', 'gateway']);
  });

  const assertion = (requestId: string, authorization: string, now = Date.now()) =>
    signPrincipalAssertion(derivedKey(TEST_JWT_SECRET, 'principalAssertion'), { id: 'p-analyst', displayName: 'x', roles: ['analyst'], teamId: null, attributes: {} }, { requestId, authorization, policyVersion: policy.version }, now);
  it.each<[string, (authorization: string) => Record<string, string>]>([
    ['no assertion', () => ({})],
    ['a forged assertion', () => ({ [PRINCIPAL_ASSERTION_HEADER]: `v1.${Buffer.from('{}').toString('base64url')}.${'A'.repeat(43)}` })],
    ['an assertion for another request', (auth) => ({ [PRINCIPAL_ASSERTION_HEADER]: assertion('another-request', auth) })],
    ['an expired assertion', (auth) => ({ [PRINCIPAL_ASSERTION_HEADER]: assertion('ignored', auth, Date.now() - 60_000) })],
  ])('a subgraph called directly with %s appends its own event and hands nothing back', async (_, extra) => {
    const authorization = `Bearer ${await koe.token('p-analyst')}`;
    const r = await send(koe.platform.subgraphUrls.customers, EMAILS, 'p-analyst', { authorization, ...extra(authorization) });
    expect(r.status).toBe(200);
    expect(r.json.errors).toBeUndefined();
    expect(r.json.extensions?.[HANDOFF_EXTENSION]).toBeUndefined();
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ subgraph: 'customers', action: 'query' });
    expect(r.events[0]!.detail).not.toHaveProperty('commit');
  });

  it('feeds the events the gateway appended to the alert rules, as when a subgraph appended them', async () => {
    const r = await send(koe.platform.gatewayUrl, EMAILS, 'p-admin');
    expect(r.status).toBe(200);
    expect(r.events.map((e) => e.subgraph)).toEqual(['customers', 'gateway']);
    const alerts = await until(async () => {
      const rows = await db.sql<{ subgraph: string; detail: Record<string, unknown> }>(
        "select subgraph, detail from audit_event where request_id = ? and action = 'alert.plain_customer_reads'", [r.requestId]);
      return rows.length ? rows : null;
    }, 'the alert for gateway traffic');
    expect(alerts).toEqual([{ subgraph: 'customers', detail: expect.objectContaining({ rule: 'plain_customer_reads', principal: 'p-admin', threshold: 3 }) }]);
  });

  it('signs checkpoints over the events the gateway appends, as the subgraphs do over theirs', async () => {
    for (let i = 0; i < 3; i++) expect((await send(koe.platform.gatewayUrl, SPANNING)).status).toBe(200);
    const signed = await db.sql<{ seq: string }>(
      "select c.seq::text as seq from audit_checkpoint c join audit_event e on e.seq = c.seq where e.request_id like 'handoff-%' and (e.subgraph = 'gateway' or e.detail->>'commit' = 'edge')");
    expect(signed.length).toBeGreaterThan(0);
    expect(await verifyChain(db.sql, { key: TEST_CHECKPOINT_KEY })).toMatchObject({ ok: true, signaturesChecked: true });
  });

  it('answers 503 with data null through the gateway while the audit table refuses inserts', async () => {
    await db.superuser(`create or replace function koe_test_refuse_all() returns trigger language plpgsql as $$
      begin raise exception 'audit rows refused'; end $$;
      create trigger koe_test_refuse_all before insert on audit_event for each row execute function koe_test_refuse_all();`);
    try {
      const r = await send(koe.platform.gatewayUrl, SPANNING);
      expect(r.status).toBe(503);
      expect(r.json.data ?? null).toBeNull();
      expect(r.json.errors?.map((e) => e.extensions?.code)).toEqual(['AUDIT_UNAVAILABLE']);
      expect(r.events).toEqual([]);
    } finally {
      await db.superuser('drop trigger if exists koe_test_refuse_all on audit_event');
    }
    expect((await send(koe.platform.gatewayUrl, SPANNING)).status).toBe(200);
    expect((await verifyChain(db.sql)).ok).toBe(true);
  });
});
