/**
 * A mutation's change and its audit event commit together or not at all (issue: writes that
 * escaped the audit trail). Guards against: a change saved while its event failed (audit rows
 * refused, the chain lock held past the statement timeout), an event the database cannot store
 * (an unpaired surrogate in an argument the audit keeps verbatim), a refusal too long for its
 * column, and mutations starving each other of connections. Runs on its own database: it breaks
 * audit inserts for everyone on it.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/audit/verify.js';
import { postGraphQL, startTestKoe, type GraphQLBody, type TestKoe } from '../support/koe.js';
import { seededScratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';

let db: ScratchKoeDb;
let koe: TestKoe;
let customerId: string;
let feedbackId: string;

beforeAll(async () => {
  db = await seededScratchKoeDb({ customers: 30, feedback: 60 });
  // A held chain lock must fail the append within the test's time, not after the default 10 s.
  const saved = process.env.KOE_DB_STATEMENT_TIMEOUT_MS;
  process.env.KOE_DB_STATEMENT_TIMEOUT_MS = '1500';
  try {
    koe = await startTestKoe(undefined, { databaseUrl: db.url });
  } finally {
    if (saved === undefined) delete process.env.KOE_DB_STATEMENT_TIMEOUT_MS;
    else process.env.KOE_DB_STATEMENT_TIMEOUT_MS = saved;
  }
  const [c] = await db.sql<{ id: string }>(`select id from customer where erased_at is null order by id limit 1`);
  const [f] = await db.sql<{ id: string }>(`select id from feedback where status = 'OPEN' order by id limit 1`);
  customerId = c!.id;
  feedbackId = f!.id;
});
afterAll(async () => {
  await koe?.stop();
  await db?.drop();
});

const REFUSE_AUDIT_ROWS = `
  create or replace function koe_test_refuse_audit() returns trigger language plpgsql as $$
  begin raise exception 'audit store refuses rows'; end $$;
  create trigger koe_test_refuse_audit before insert on audit_event for each row execute function koe_test_refuse_audit();`;
const ACCEPT_AUDIT_ROWS = 'drop trigger if exists koe_test_refuse_audit on audit_event';
/** The chain's advisory lock (src/audit/append.ts AUDIT_CHAIN_LOCK). */
const CHAIN_LOCK = 0x4b6f6541;

type Url = 'gateway' | 'customers' | 'feedback' | 'audit';
const url = (where: Url) => (where === 'gateway' ? koe.platform.gatewayUrl : koe.platform.subgraphUrls[where]);

async function send(where: Url, principal: string, query: string, variables: Record<string, unknown> = {}, purpose?: string) {
  const requestId = `atomic-${randomUUID()}`;
  const headers: Record<string, string> = { authorization: `Bearer ${await koe.token(principal)}`, 'x-request-id': requestId };
  if (purpose) headers['x-koe-purpose'] = purpose;
  const res = await postGraphQL(url(where), { query, variables }, headers);
  return { ...res, requestId };
}

const eventsOf = async (requestId: string) => (await db.sql<{ n: string }>(`select count(*)::text as n from audit_event where request_id = ?`, [requestId]))[0]!.n;
const codes = (json: GraphQLBody) => (json.errors ?? []).map((e) => e.extensions?.code);

/** Each mutation with what it changes, read straight from the database. */
interface Case {
  name: string;
  where: Url;
  principal: string;
  purpose?: string;
  query: string;
  variables: () => Record<string, unknown>;
  state: () => Promise<unknown>;
}

const marker = () => `atomic-${randomUUID().slice(0, 8)}`;
let tag = marker();
const CASES: Case[] = [
  {
    name: 'submitFeedback',
    where: 'feedback',
    principal: 'p-ingest',
    query: 'mutation($b: String!) { submitFeedback(input: { channel: WEB, body: $b }) { id } }',
    variables: () => ({ b: `配送が遅れています ${tag}` }),
    state: async () => (await db.sql(`select count(*)::int as n from feedback`))[0],
  },
  {
    name: 'upsertCustomer (new)',
    where: 'customers',
    principal: 'p-ingest',
    query: 'mutation($s: String!) { upsertCustomer(input: { name: "山田 太郎", email: "atomic@example.jp", segment: $s }) { id } }',
    variables: () => ({ s: tag }),
    state: async () => (await db.sql(`select count(*)::int as n from customer`))[0],
  },
  {
    name: 'recordConsent',
    where: 'customers',
    principal: 'p-admin',
    query: 'mutation($c: ID!, $s: String!) { recordConsent(customerId: $c, purpose: "analytics", source: $s) { purpose } }',
    variables: () => ({ c: customerId, s: 'web' }),
    state: async () => db.sql(`select purpose, withdrawn_at from consent where customer_id = ? order by id`, [customerId]),
  },
  {
    name: 'updateFeedbackStatus',
    where: 'feedback',
    principal: 'p-admin',
    query: 'mutation($id: ID!) { updateFeedbackStatus(id: $id, status: RESOLVED) { id } }',
    variables: () => ({ id: feedbackId }),
    state: async () => db.sql(`select status from feedback where id = ?`, [feedbackId]),
  },
  {
    name: 'restrictUse',
    where: 'audit',
    principal: 'p-dpo',
    purpose: 'compliance',
    query: 'mutation($c: ID!) { restrictUse(customerId: $c, purposes: ["marketing"], reason: "本人の申出 2026-12-04") { purposes } }',
    variables: () => ({ c: customerId }),
    state: async () => db.sql(`select purpose from use_restriction where customer_id = ?`, [customerId]),
  },
  {
    name: 'requestErasure',
    where: 'audit',
    principal: 'p-dpo',
    purpose: 'compliance',
    query: 'mutation($c: ID!) { requestErasure(customerId: $c, reason: "本人の申出 2026-12-04") { erasedAt } }',
    variables: () => ({ c: customerId }),
    state: async () => db.sql(`select c.erased_at, (select count(*)::int from data_key k where k.owner_id = c.id) as keys from customer c where c.id = ?`, [customerId]),
  },
  {
    name: 'disablePrincipal',
    where: 'audit',
    principal: 'p-admin',
    query: 'mutation { disablePrincipal(principalId: "p-analyst") { status } }',
    variables: () => ({}),
    state: async () => db.sql(`select status from principal where id = 'p-analyst'`),
  },
];

describe('mutations while the audit store refuses rows', () => {
  it.each(CASES.flatMap((c) => [[c.name, 'gateway', c] as const, [c.name, c.where, c] as const]))(
    '%s through %s answers AUDIT_UNAVAILABLE and leaves no change behind',
    async (_name, where, c) => {
      tag = marker();
      const before = await c.state();
      const events = await db.sql(`select count(*)::int as n from audit_event`);
      await db.superuser(REFUSE_AUDIT_ROWS);
      let res: Awaited<ReturnType<typeof send>>;
      try {
        res = await send(where as Url, c.principal, c.query, c.variables(), c.purpose);
      } finally {
        await db.superuser(ACCEPT_AUDIT_ROWS);
      }
      expect(await c.state()).toEqual(before);
      expect(await db.sql(`select count(*)::int as n from audit_event`)).toEqual(events);
      expect(res.json.data ?? null).toBeNull();
      expect(codes(res.json)).toContain('AUDIT_UNAVAILABLE');
      expect(res.status).toBe(503);
    },
  );
});

describe('mutations while another instance holds the chain lock past the statement timeout', () => {
  it('submitFeedback answers AUDIT_UNAVAILABLE and stores no feedback', async () => {
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock($1)', [CHAIN_LOCK]);
      tag = marker();
      const before = await CASES[0]!.state();
      const res = await send('feedback', 'p-ingest', CASES[0]!.query, CASES[0]!.variables());
      expect(res.status).toBe(503);
      expect(codes(res.json)).toEqual(['AUDIT_UNAVAILABLE']);
      expect(await CASES[0]!.state()).toEqual(before);
    } finally {
      await holder.end();
    }
    // Once the lock is free the same write goes through, with its event.
    const again = await send('feedback', 'p-ingest', CASES[0]!.query, CASES[0]!.variables());
    expect(again.json.errors).toBeUndefined();
    expect(await eventsOf(again.requestId)).toBe('1');
  });
});

describe('arguments the audit keeps verbatim, with text PostgreSQL cannot store', () => {
  const counts = () =>
    db.sql(`select (select count(*)::int from customer) as customers, (select count(*)::int from consent) as consents, (select count(*)::int from consent where withdrawn_at is not null) as withdrawn`);
  /** A customer with (or without) an active marketing consent, so the mutation has something to change. */
  const customerWith = async (active: boolean) =>
    (await db.sql<{ id: string }>(
      `select c.id from customer c where c.erased_at is null and c.id <> ? and ${active ? '' : 'not '}exists (select 1 from consent k where k.customer_id = c.id and k.purpose = 'marketing' and k.withdrawn_at is null) order by c.id limit 1`,
      [customerId],
    ))[0]!.id;

  // Either refused before anything is written, or written together with an event that holds it.
  it.each([
    ['upsertCustomer segment', 'customers', 'p-ingest', 'mutation($s: String!) { upsertCustomer(input: { name: "佐藤 花子", email: "s@example.jp", segment: $s }) { id } }', { s: 'gold\ud800' }, null],
    ['recordConsent source', 'customers', 'p-admin', 'mutation($c: ID!, $s: String!) { recordConsent(customerId: $c, purpose: "marketing", source: $s) { purpose } }', { s: 'web\ud800' }, false],
    ['withdrawConsent source', 'customers', 'p-admin', 'mutation($c: ID!, $s: String!) { withdrawConsent(customerId: $c, purpose: "marketing", source: $s) { purpose } }', { s: 'app\udfff' }, true],
  ] as const)('%s: no change without its event', async (_name, where, principal, query, vars, active) => {
    const variables = { ...(active === null ? {} : { c: await customerWith(active) }), ...vars };
    const before = await counts();
    const res = await send(where, principal, query, variables);
    const after = await counts();
    expect(res.status).toBeLessThan(500);
    if (JSON.stringify(after) === JSON.stringify(before)) expect(codes(res.json)).toContain('BAD_USER_INPUT');
    else expect(await eventsOf(res.requestId)).toBe('1');
  });
});

describe('refusals that must always be recorded', () => {
  it('an X-Koe-Purpose header too long for the audit column is refused and recorded, cut to fit', async () => {
    const purpose = `p${'x'.repeat(200)}`;
    const requestId = `long-purpose-${randomUUID()}`;
    const res = await postGraphQL(
      koe.platform.subgraphUrls.customers,
      { query: '{ customers(first: 1) { totalCount } }' },
      { authorization: `Bearer ${await koe.token('p-analyst')}`, 'x-koe-purpose': purpose, 'x-request-id': requestId },
    );
    expect(codes(res.json)).toEqual(['BAD_USER_INPUT']);
    expect(res.status).toBe(400);
    const rows = await db.sql<{ purpose: string | null }>(`select purpose from audit_event where request_id = ?`, [requestId]);
    expect(rows).toHaveLength(1);
    expect((rows[0]!.purpose ?? '').length).toBeLessThanOrEqual(64);
  });
});

describe('a mutation operation with several fields', () => {
  it('keeps the fields that succeeded, rolls back the one that failed, and records all of it in one event', async () => {
    tag = marker();
    const before = (await db.sql<{ n: number }>(`select count(*)::int as n from feedback`))[0]!.n;
    const res = await send('feedback', 'p-admin', `mutation($b: String!) {
      ok: submitFeedback(input: { channel: WEB, body: $b }) { id }
      bad: updateFeedbackStatus(id: "${randomUUID()}", status: RESOLVED) { id }
    }`, { b: `二つ目は失敗します ${tag}` });
    // updateFeedbackStatus returns Feedback!, so its refusal nulls `data`; the first field still ran.
    expect(codes(res.json)).toContain('FORBIDDEN');
    expect((await db.sql<{ n: number }>(`select count(*)::int as n from feedback`))[0]!.n).toBe(before + 1);
    const [event] = await db.sql<{ outcome: string; resources: string[] }>(`select outcome, resources from audit_event where request_id = ?`, [res.requestId]);
    expect(event!.outcome).toBe('denied');
  });
});

describe('many mutations at once', () => {
  it('three times the connection pool of concurrent ingests all commit, each with its event', async () => {
    tag = marker();
    const all = await Promise.all(Array.from({ length: 30 }, (_, i) => send('feedback', 'p-ingest', CASES[0]!.query, { b: `同時投稿 ${i} ${tag}` })));
    for (const r of all) expect(r.json.errors).toBeUndefined();
    const ids = all.map((r) => r.requestId);
    const events = await db.sql<{ n: number }>(`select count(*)::int as n from audit_event where request_id in (${ids.map(() => '?').join(', ')})`, ids);
    expect(events[0]!.n).toBe(30);
    const report = await verifyChain(db.sql);
    expect(report.ok).toBe(true);
  });
});
