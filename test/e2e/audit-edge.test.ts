/**
 * Audit at the edge: through the gateway, each client operation leaves exactly one edge event plus
 * one event per subgraph operation, the subgraphs' handed back to the gateway and appended with the
 * edge event in one synchronous transaction (`commit: 'edge'`); a subgraph called directly commits
 * synchronously; if the edge transaction cannot be written the client gets no data (503
 * AUDIT_UNAVAILABLE) and none of the request's events is in the chain. The principal is read once per client
 * request. Runs on its own database, since one test refuses the gateway's rows.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_CHAIN_LOCK } from '../../src/audit/append.js';
import { verifyChain } from '../../src/audit/verify.js';
import { AuditEventEntity } from '../../src/data/entities/index.js';
import { postGraphQL, startTestKoe, type TestKoe } from '../support/koe.js';
import { seededScratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';

let db: ScratchKoeDb;
let koe: TestKoe;
beforeAll(async () => {
  db = await seededScratchKoeDb();
  koe = await startTestKoe(undefined, { databaseUrl: db.url });
});
afterAll(async () => {
  await koe?.stop();
  await db?.drop();
});

const SPANNING = 'query Inbox { feedbacks(first: 3, filter: { teamId: "team-east" }) { edges { node { id body customer { email } } } } }';
const EMAILS = 'query Emails { customers(first: 5) { edges { node { id email } } } }';

async function send(url: string, query: string, principal = 'p-admin') {
  const requestId = `edge-${randomUUID()}`;
  const res = await postGraphQL(url, { query }, { authorization: `Bearer ${await koe.token(principal)}`, 'x-request-id': requestId });
  const events = await koe.orm.em.fork().find(AuditEventEntity, { requestId }, { orderBy: { seq: 'asc' } });
  return { ...res, requestId, events, text: JSON.stringify(res.json) };
}

const PRINCIPAL_READ = /from principal where id = /;

describe('audit at the edge', () => {
  it('leaves one edge event per client operation, last in the chain, and the subgraph events the gateway appended with it', async () => {
    for (const [query, subgraphs] of [[SPANNING, ['feedback', 'customers']], [EMAILS, ['customers']]] as const) {
      const { json, events } = await send(koe.platform.gatewayUrl, query);
      expect(json.errors).toBeUndefined();
      const edge = events.filter((e) => e.subgraph === 'gateway');
      expect(edge).toHaveLength(1);
      expect(edge[0]).toMatchObject({ action: 'edge', outcome: 'ok', actorId: 'p-admin', roles: ['admin'], resources: [], fields: [], operationHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(edge[0]!.detail).toEqual({ operation: 'query', calls: subgraphs });
      // The edge event is appended after every subgraph answered: its commit covers theirs.
      expect(events.at(-1)!.subgraph).toBe('gateway');
      const hops = events.filter((e) => e.subgraph !== 'gateway');
      expect(hops.map((e) => e.subgraph).sort()).toEqual([...subgraphs].sort());
      // Besides the commit mode, a read's detail says which record returned which field (issue 19).
      for (const e of hops) expect(e.detail).toEqual({ commit: 'edge', exposure: expect.any(Array) });
      // One transaction: the request's events sit next to each other in the chain.
      expect(events.map((e) => Number(e.seq))).toEqual(events.map((_, i) => Number(events[0]!.seq) + i));
    }
  });

  it('commits a directly called subgraph event synchronously and leaves no edge event', async () => {
    const { json, events } = await send(koe.platform.subgraphUrls.customers, EMAILS);
    expect(json.errors).toBeUndefined();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ subgraph: 'customers' });
    expect(events[0]!.detail).toEqual({ exposure: expect.any(Array) });
  });

  it('commits a mutation through the gateway synchronously, with its change', async () => {
    const [row] = await db.sql<{ id: string }>(`select id from feedback where team_id = 'team-east' order by id limit 1`);
    const requestId = `edge-${randomUUID()}`;
    const res = await postGraphQL(koe.platform.gatewayUrl, { query: 'mutation($id: ID!) { updateFeedbackStatus(id: $id, status: IN_PROGRESS) { id } }', variables: { id: row!.id } }, { authorization: `Bearer ${await koe.token('p-admin')}`, 'x-request-id': requestId });
    expect(res.json.errors).toBeUndefined();
    const events = await koe.orm.em.fork().find(AuditEventEntity, { requestId }, { orderBy: { seq: 'asc' } });
    expect(events.map((e) => [e.subgraph, e.action])).toEqual([['feedback', 'mutation'], ['gateway', 'edge']]);
    expect(events[0]!.detail).not.toHaveProperty('commit');
    expect(events[1]!.detail).toMatchObject({ operation: 'mutation', calls: ['feedback'] });
  });

  it('reads the principal once per client request, however many subgraphs it calls', async () => {
    koe.resetQueries();
    const { json } = await send(koe.platform.gatewayUrl, SPANNING);
    expect(json.errors).toBeUndefined();
    expect(koe.queries.filter((q) => PRINCIPAL_READ.test(q))).toHaveLength(1);
    // Straight to a subgraph there is no assertion: it reads the principal itself.
    koe.resetQueries();
    await send(koe.platform.subgraphUrls.customers, EMAILS);
    expect(koe.queries.filter((q) => PRINCIPAL_READ.test(q))).toHaveLength(1);
  });

  it.each([
    ['through the gateway (its edge commit)', () => koe.platform.gatewayUrl, SPANNING, 'gateway'],
    ['straight to a subgraph (its own commit)', () => koe.platform.subgraphUrls.customers, EMAILS, 'customers'],
  ])('sends no byte of an answer before its commit, %s: while another instance holds the chain, the client waits', async (_how, url, query, last) => {
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    let unlocked = false;
    try {
      await holder.query('select pg_advisory_lock($1)', [AUDIT_CHAIN_LOCK]);
      let answered = false;
      const pending = send(url(), query).finally(() => (answered = true));
      // The request has reached its append once a backend waits for the chain: the answer is built
      // (every subgraph has answered the gateway); only the commit is left.
      for (let i = 0; i < 100; i++) {
        const [w] = (await holder.query<{ n: number }>(`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`)).rows;
        if (w!.n > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      // An answer that did not wait for the commit arrives within milliseconds of that point.
      await new Promise((r) => setTimeout(r, 300));
      expect(answered).toBe(false);
      await holder.query('select pg_advisory_unlock($1)', [AUDIT_CHAIN_LOCK]);
      unlocked = true;
      const r = await pending;
      expect(r.status).toBe(200);
      expect(r.json.errors).toBeUndefined();
      expect(r.events.map((e) => e.subgraph).at(-1)).toBe(last);
    } finally {
      if (!unlocked) await holder.query('select pg_advisory_unlock($1)', [AUDIT_CHAIN_LOCK]).catch(() => {});
      await holder.end();
    }
  });

  it('answers 503 AUDIT_UNAVAILABLE with no data when the edge event cannot be written', async () => {
    const before = await send(koe.platform.gatewayUrl, SPANNING);
    const secrets = JSON.stringify(before.json.data).match(/[\w.+-]+@[\w.-]+/g) ?? [];
    expect(secrets.length).toBeGreaterThan(0);
    await db.superuser(`create or replace function koe_test_refuse_edge() returns trigger language plpgsql as $$
      begin raise exception 'edge rows refused'; end $$;
      create trigger koe_test_refuse_edge before insert on audit_event for each row when (new.subgraph = 'gateway') execute function koe_test_refuse_edge();`);
    try {
      const r = await send(koe.platform.gatewayUrl, SPANNING);
      expect(r.status).toBe(503);
      expect(r.json.data ?? null).toBeNull();
      expect(r.json.errors?.map((e) => e.extensions?.code)).toEqual(['AUDIT_UNAVAILABLE']);
      for (const s of secrets) expect(r.text).not.toContain(s);
      // The subgraphs answered, but their events went into the edge transaction that failed: the
      // chain holds nothing of the request, and the client saw nothing of it.
      expect(r.events).toEqual([]);
    } finally {
      await db.superuser('drop trigger if exists koe_test_refuse_edge on audit_event');
    }
    const after = await send(koe.platform.gatewayUrl, SPANNING);
    expect(after.status).toBe(200);
    expect((await verifyChain(db.sql)).ok).toBe(true);
  });
});
