/**
 * `koe bi sync` (docs/bi.md): a BI tool connecting as the BI login role reads, in the `koe_bi`
 * schema, exactly the rows and values `bi_readonly` reads through the gateway, no DENIED column,
 * and nothing of Koe's own tables; the aggregate tables equal `feedbackStats` / `customerStats` for
 * bi_readonly, suppressed groups and complements included; erasure and restriction remove the
 * person in the mutation's own transaction; a later run applies only what changed; a policy change
 * rebuilds.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { biConnectionString, grantBiReader } from '../../src/data/bi/index.js';
import { customerKey } from '../../src/data/pseudonym.js';
import { DISPOSALS } from '../../src/data/lifecycle/index.js';
import { generateDemoData } from '../../src/data/seed/demo-data.js';
import type { PolicySet } from '../../src/policies/index.js';
import { runBiSync } from '../../src/server/bi-sync-runner.js';
import { loadPolicy } from '../../src/server/policy.js';
import { errorCodes, POLICY_DIR, postAs, TEST_PSEUDONYM_KEY, type GraphQLBody, type TestKoe } from '../support/koe.js';
import { koeCliEnv, runKoe } from '../support/koe-cli.js';
import { startKoeProcess, type KoeScratch } from '../support/koe-process.js';
import { seededScratchKoe, type ScratchKoeDb } from '../support/scratch-koe-db.js';

const OPTS = { customers: 40, feedback: 200 };
const demo = generateDemoData(OPTS);
const withFeedback = demo.customers.filter((c) => demo.feedback.some((f) => f.customerId === c.id));
const toErase = withFeedback[0]!;
const toRestrict = withFeedback[1]!;
// Login roles are cluster-wide: one per test run, dropped after.
const LOGIN = `koe_bi_reader_t${process.pid}_${Date.now() % 100000}`;
const ACTOR = { id: 'cli:test', roles: [], policyVersion: 'test', via: 'cli' as const };

let db: ScratchKoeDb;
let koe: TestKoe;
let stop: (() => Promise<void>) | undefined;
let policy: PolicySet;
let reader: pg.Client;

const sync = (opts: { policy?: PolicySet; batchSize?: number } = {}) =>
  runBiSync(db.orm.em.fork(), ACTOR, { policy: opts.policy ?? policy, crypto: db.crypto, maskContext: { pseudonymKey: TEST_PSEUDONYM_KEY }, batchSize: opts.batchSize ?? 50 });
const data = (res: GraphQLBody) => {
  expect(res.errors).toBeUndefined();
  return res.data as any;
};
const read = async (sql: string, params: unknown[] = []) => (await reader.query(sql, params)).rows;

beforeAll(async () => {
  ({ db, koe, stop } = await seededScratchKoe(OPTS));
  policy = await loadPolicy(POLICY_DIR);
  await sync();
  const grant = await grantBiReader(db.orm.em.fork(), { schema: 'koe_bi', login: LOGIN, password: null });
  reader = new pg.Client({ connectionString: biConnectionString(db.url, grant.login, grant.password) });
  await reader.connect();
}, 240_000);
afterAll(async () => {
  await reader?.end();
  await db?.superuser(`drop owned by ${LOGIN}; drop role if exists ${LOGIN}`).catch(() => {});
  await stop?.();
});

/** The shipped policy with roles-analytics.policy.yaml edited by `edit`, loaded from a copy. */
async function editedPolicy(edit: (text: string) => string): Promise<PolicySet> {
  const dir = mkdtempSync(join(tmpdir(), 'koe-bi-policy-'));
  try {
    cpSync(POLICY_DIR, dir, { recursive: true });
    const file = join(dir, 'roles-analytics.policy.yaml');
    writeFileSync(file, edit(readFileSync(file, 'utf8')));
    return await loadPolicy(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function pages(query: string, field: string): Promise<any[]> {
  const out: any[] = [];
  let after: string | null = null;
  for (;;) {
    const res = data(await postAs(koe, 'p-bi', query, { after }));
    out.push(...res[field].edges.map((e: { node: unknown }) => e.node));
    if (!res[field].pageInfo.hasNextPage) return out;
    after = res[field].pageInfo.endCursor;
  }
}

const CUSTOMERS = `query($after: String) { customers(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node {
  id customerKey prefecture teamId segment createdAt lastActivityAt consents { purpose grantedAt withdrawnAt source } } } } }`;
const FEEDBACK = `query($after: String) { feedbacks(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node {
  id customer { id } channel receivedAt subject body rating sentiment tags piiFlags status teamId } } } }`;
const iso = (v: unknown) => (v === null ? null : new Date(v as string).toISOString());

describe('the BI schema as bi_readonly reads it through the gateway', () => {
  let keyOf: Map<string, string>;

  it('has the customers bi_readonly sees, with the values it sees, and no column of a DENIED field', async () => {
    const gql = await pages(CUSTOMERS, 'customers');
    keyOf = new Map(gql.map((c) => [c.id, c.customerKey]));
    const rows = await read(`select * from koe_bi.customers order by customer_key`);
    expect(rows.map((r) => r.customer_key)).toEqual(gql.map((c) => c.customerKey).sort());
    const byKey = new Map(rows.map((r) => [r.customer_key, r]));
    for (const c of gql) {
      const r = byKey.get(c.customerKey)!;
      expect({ prefecture: r.prefecture, teamId: r.team_id, segment: r.segment, createdAt: iso(r.created_at), lastActivityAt: iso(r.last_activity_at) })
        .toEqual({ prefecture: c.prefecture, teamId: c.teamId, segment: c.segment, createdAt: iso(c.createdAt), lastActivityAt: iso(c.lastActivityAt) });
    }
    const columns = (await read(`select column_name from information_schema.columns where table_schema = 'koe_bi' and table_name = 'customers'`)).map((r) => r.column_name).sort();
    expect(columns).toEqual(['created_at', 'customer_key', 'last_activity_at', 'prefecture', 'segment', 'team_id']);
  });

  it('has the consents bi_readonly reads through Customer.consents, value by value', async () => {
    const gql = await pages(CUSTOMERS, 'customers');
    const consent = (key: string, c: any) => ({ key, purpose: c.purpose, grantedAt: iso(c.grantedAt), withdrawnAt: iso(c.withdrawnAt ?? null), source: c.source ?? null });
    const expected = gql.flatMap((c) => c.consents.map((k: any) => consent(c.customerKey, k)));
    const rows = await read(`select customer_key, purpose, granted_at as "grantedAt", withdrawn_at as "withdrawnAt", source from koe_bi.consents`);
    const order = (xs: any[]) => xs.map((x) => JSON.stringify(x)).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(order(rows.map((r) => consent(r.customer_key, r)))).toEqual(order(expected));
  });

  it('has the feedback bi_readonly sees, subject and body masked as the gateway masks them, the note absent', async () => {
    const gql = await pages(FEEDBACK, 'feedbacks');
    const rows = await read(`select * from koe_bi.feedback`);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect([...byId.keys()].sort()).toEqual(gql.map((f) => f.id).sort());
    for (const f of gql) {
      const r = byId.get(f.id)!;
      expect({ key: r.customer_key, channel: r.channel, receivedAt: iso(r.received_at), subject: r.subject, body: r.body, rating: r.rating, sentiment: r.sentiment, tags: r.tags, piiFlags: r.pii_flags, status: r.status, teamId: r.team_id })
        .toEqual({ key: f.customer ? keyOf.get(f.customer.id) : null, channel: f.channel, receivedAt: iso(f.receivedAt), subject: f.subject, body: f.body, rating: f.rating, sentiment: f.sentiment, tags: f.tags, piiFlags: f.piiFlags, status: f.status, teamId: f.teamId });
    }
    const columns = (await read(`select column_name from information_schema.columns where table_schema = 'koe_bi' and table_name = 'feedback'`)).map((r) => r.column_name);
    expect(columns).not.toContain('note');
    // The body is masked, never the stored text: at least one differs from what an admin reads.
    expect(rows.some((r) => r.body !== null && r.body.length > 0)).toBe(true);
  });

  it('has no purchases table: bi_readonly reads no purchase, and the gateway refuses it the field', async () => {
    expect(await read(`select to_regclass('koe_bi.purchases') as t`)).toEqual([{ t: null }]);
    const res = await postAs(koe, 'p-bi', `{ customers(first: 3) { edges { node { customerKey purchases { id amount } } } } }`);
    expect(errorCodes(res).length).toBeGreaterThan(0);
    expect(new Set(errorCodes(res))).toEqual(new Set(['FORBIDDEN']));
    expect((res.data as any).customers.edges.map((e: any) => e.node.purchases)).toEqual([null, null, null]);
  });

  it('records one bi.sync audit event per batch with its field decision counts', async () => {
    const events = (await db.sql(`select detail from audit_event where action = 'bi.sync' order by seq`)) as Array<{ detail: any }>;
    expect(events.length).toBeGreaterThan(1);
    const decided = events.map((e) => e.detail.decisions['Feedback.body']).find(Boolean);
    expect(decided.MASKED).toBeGreaterThan(0);
    expect(events[0]!.detail.omitted).toContain('Customer.name');
  });
});

describe('the aggregate tables as bi_readonly gets feedbackStats / customerStats through the gateway', () => {
  // [table, the same aggregate through GraphQL]
  const FEEDBACK_AGGREGATES: Array<[string, string]> = [
    ['feedback_by_week', 'interval: WEEK'],
    ['feedback_by_month', 'interval: MONTH'],
    ['feedback_by_channel', 'groupBy: [CHANNEL]'],
    ['feedback_by_week_channel', 'interval: WEEK, groupBy: [CHANNEL]'],
  ];
  const CUSTOMER_AGGREGATES: Array<[string, string]> = [
    ['customers_by_prefecture', 'PREFECTURE'],
    ['customers_by_segment', 'SEGMENT'],
    ['customers_by_prefecture_segment', 'PREFECTURE, SEGMENT'],
  ];
  const SENTIMENTS: Array<[string | null, string]> = [['POSITIVE', 'positive'], ['NEUTRAL', 'neutral'], ['NEGATIVE', 'negative'], [null, 'unclassified']];
  const sorted = (rows: object[]) => rows.map((r) => JSON.stringify(r)).sort().map((r) => JSON.parse(r));
  // row_to_json: dates as YYYY-MM-DD, numbers as numbers, as GraphQL gives them.
  const table = async (name: string) => (await read(`select row_to_json(t) as r from koe_bi.${name} t`)).map((x) => x.r);

  async function viaGateway(kind: 'feedback' | 'customers', args: string): Promise<object[]> {
    if (kind === 'customers') {
      const res = data(await postAs(koe, 'p-bi', `{ customerStats(groupBy: [${args}]) { minGroupSize groups { key { prefecture segment } suppressed count } } }`));
      expect(res.customerStats.minGroupSize).toBe(10);
      const dims = args.split(', ').map((d) => d.toLowerCase());
      return res.customerStats.groups.map((g: any) => ({ ...Object.fromEntries(dims.map((d) => [d, g.key[d]])), suppressed: g.suppressed, count: g.count }));
    }
    const res = data(await postAs(koe, 'p-bi', `{ feedbackStats(${args}) { minGroupSize groups { key { period channel } suppressed count avgRating nps bySentiment { sentiment count suppressed } } } }`));
    expect(res.feedbackStats.minGroupSize).toBe(10);
    return res.feedbackStats.groups.map((g: any) => {
      const cells = new Map(g.bySentiment?.map((s: any) => [s.sentiment, s.count]) ?? []);
      return {
        ...(args.includes('interval') ? { period: g.key.period } : {}),
        ...(args.includes('CHANNEL') ? { channel: g.key.channel } : {}),
        suppressed: g.suppressed,
        count: g.count,
        avg_rating: g.avgRating,
        nps: g.nps,
        // A sentiment absent from a visible group's breakdown counted no item.
        ...Object.fromEntries(SENTIMENTS.map(([s, column]) => [column, g.suppressed ? null : cells.has(s) ? cells.get(s) : 0])),
      };
    });
  }

  beforeAll(async () => {
    // The differencing case, made certain: one channel and one segment hold fewer than 10, every
    // other group more; the total minus the visible groups must not give the small one away.
    await db.sql(`with f as (select id, row_number() over (order by id) as n from feedback)
      update feedback set channel = case when f.n <= 3 then 'SNS' when f.n % 3 = 0 then 'EMAIL' when f.n % 3 = 1 then 'WEB' else 'PHONE' end from f where f.id = feedback.id`);
    await db.sql(`with c as (select id, row_number() over (order by id) as n from customer)
      update customer set segment = case when c.n <= 4 then 'trial' when c.n % 2 = 0 then 'standard' else 'premium' end from c where c.id = customer.id`);
    const result = await sync();
    expect(result.aggregateRows).toBeGreaterThan(0);
  }, 120_000);

  it.each(FEEDBACK_AGGREGATES)('%s equals feedbackStats(%s): the same groups, the same suppressed ones, the same numbers', async (name, args) => {
    const expected = await viaGateway('feedback', args);
    expect(expected.length).toBeGreaterThan(0);
    expect(sorted(await table(name))).toEqual(sorted(expected));
  });

  it.each(CUSTOMER_AGGREGATES)('%s equals customerStats(groupBy: [%s])', async (name, args) => {
    const expected = await viaGateway('customers', args);
    expect(expected.length).toBeGreaterThan(0);
    expect(sorted(await table(name))).toEqual(sorted(expected));
  });

  it.each([
    ['feedback_by_channel', 'channel', 'SNS', 3],
    ['customers_by_segment', 'segment', 'trial', 4],
  ])('%s hides the one small group and, as its complement, the next smallest', async (name, column, small, n) => {
    const rows = await table(name);
    const total = (await read(`select count(*)::int as n from koe_bi.${name.startsWith('feedback') ? 'feedback' : 'customers'}`))[0].n;
    expect(rows.find((r) => r[column] === small)).toMatchObject({ suppressed: true, count: null });
    const hidden = rows.filter((r) => r.suppressed);
    expect(hidden.length).toBe(2);
    expect(hidden.every((r) => r.count === null)).toBe(true);
    // What a BI tool can work out by subtraction: the two hidden groups together, never the small one.
    const visible = rows.filter((r) => !r.suppressed).reduce((sum, r) => sum + r.count, 0);
    expect(total - visible).toBeGreaterThan(n);
  });

  it('has no table for a grouping the role may not use: AGE_BAND needs the birth date, DENIED to bi_readonly', async () => {
    expect(await read(`select to_regclass('koe_bi.customers_by_age_band') as t`)).toEqual([{ t: null }]);
    expect(errorCodes(await postAs(koe, 'p-bi', `{ customerStats(groupBy: [AGE_BAND]) { groups { count } } }`))).toEqual(['FORBIDDEN']);
  });

  it('is read by the BI login role, and recorded as one bi.sync event counting the records AGGREGATED', async () => {
    const [event] = (await db.sql(`select detail from audit_event where action = 'bi.sync' and detail->>'phase' = 'aggregates' order by seq desc limit 1`)) as Array<{ detail: any }>;
    expect(event!.detail.decisions['Feedback.channel'].AGGREGATED).toBeGreaterThan(0);
    expect(event!.detail.decisions['Customer.segment'].AGGREGATED).toBeGreaterThan(0);
    expect(Object.values(event!.detail.decisions).flatMap((d: any) => Object.keys(d))).not.toContain('PLAIN');
  });

  it('is not recomputed by a run with nothing to apply', async () => {
    expect((await sync()).aggregateRows).toBeNull();
  });
});

describe('the aggregate tables under a policy that allows more', () => {
  it('has customers_by_age_band once the role reads the birth year (MASKED by year), small bands suppressed', async () => {
    const years = await editedPolicy((text) => {
      const at = text.indexOf('      - on: Feedback', text.indexOf('  bi_readonly:'));
      return `${text.slice(0, at)}      - on: Customer\n        fields: [birthDate]\n        decision: MASKED\n        masker: year\n${text.slice(at)}`;
    });
    try {
      const result = await runBiSync(db.orm.em.fork(), ACTOR, { schema: 'koe_bi_years', policy: years, crypto: db.crypto, maskContext: { pseudonymKey: TEST_PSEUDONYM_KEY } });
      expect(result.aggregateRows).toBeGreaterThan(0);
      const bands = (await db.sql(`select age_band, suppressed, count from koe_bi_years.customers_by_age_band`)) as Array<{ age_band: string | null; suppressed: boolean; count: number | null }>;
      const customers = ((await db.sql(`select count(*)::int as n from koe_bi_years.customers`)) as Array<{ n: number }>)[0]!.n;
      expect(bands.length).toBeGreaterThan(1);
      expect(bands.filter((b) => b.suppressed).every((b) => b.count === null)).toBe(true);
      expect(bands.filter((b) => !b.suppressed).every((b) => b.count! >= 10)).toBe(true);
      expect(bands.filter((b) => b.suppressed).length).not.toBe(1);
      expect(bands.reduce((n, b) => n + (b.count ?? 0), 0)).toBeLessThanOrEqual(customers);
    } finally {
      await db.sql(`drop schema if exists koe_bi_years cascade`);
      await db.sql(`delete from bi_sync_state where schema_name = 'koe_bi_years'`);
    }
  });
});

describe('a role that reads sealed fields in the clear', () => {
  // Guards against undoing encryption at rest: koe_bi is plain SQL, readable by the BI login.
  it.each(['admin', 'support_agent'])('is refused: %s', async (role) => {
    await expect(runBiSync(db.orm.em.fork(), ACTOR, { role, schema: 'koe_bi_plain', policy, crypto: db.crypto, maskContext: { pseudonymKey: TEST_PSEUDONYM_KEY } })).rejects.toThrow(/in the clear/);
    expect(await db.sql(`select count(*)::int as n from pg_namespace where nspname = 'koe_bi_plain'`)).toEqual([{ n: 0 }]);
  });
});

describe('the BI login role', () => {
  it.each(['customer', 'feedback', 'purchase', 'consent', 'use_restriction', 'audit_event', 'audit_checkpoint', 'data_key', 'principal', 'api_key', 'bi_change', 'bi_sync_state'])(
    'is refused %s',
    async (table) => {
      await expect(reader.query(`select * from public.${table} limit 1`)).rejects.toThrow(/permission denied/);
    },
  );

  it('cannot write to the BI schema', async () => {
    await expect(reader.query(`delete from koe_bi.feedback`)).rejects.toThrow(/permission denied/);
    await expect(reader.query(`create table koe_bi.mine (x int)`)).rejects.toThrow(/permission denied/);
  });
});

describe('changes', () => {
  const keyOf = (id: string) => customerKey(TEST_PSEUDONYM_KEY, id);

  it('removes an erased customer from koe_bi before requestErasure returns, and a later sync does not bring them back', async () => {
    expect(await read(`select count(*)::int as n from koe_bi.feedback where customer_key = $1`, [keyOf(toErase.id)])).toEqual([{ n: expect.any(Number) }]);
    expect((await read(`select count(*)::int as n from koe_bi.customers where customer_key = $1`, [keyOf(toErase.id)]))[0].n).toBe(1);
    const res = await postAs(koe, 'p-dpo', 'mutation($c: ID!) { requestErasure(customerId: $c, reason: "本人の申出") { erasedAt } }', { c: toErase.id }, 'compliance');
    expect(res.errors).toBeUndefined();
    for (const table of ['customers', 'feedback', 'consents']) {
      expect((await read(`select count(*)::int as n from koe_bi.${table} where customer_key = $1`, [keyOf(toErase.id)]))[0].n).toBe(0);
    }
    // The aggregates counted the person until this run: it recomputes them without.
    expect((await sync()).aggregateRows).not.toBeNull();
    expect((await read(`select count(*)::int as n from koe_bi.customers where customer_key = $1`, [keyOf(toErase.id)]))[0].n).toBe(0);
    expect((await read(`select count(*)::int as n from koe_bi.feedback where customer_key = $1`, [keyOf(toErase.id)]))[0].n).toBe(0);
  });

  it('removes a customer restricted for analytics before restrictUse returns', async () => {
    const res = await postAs(koe, 'p-dpo', 'mutation($c: ID!) { restrictUse(customerId: $c, purposes: ["analytics"], reason: "利用停止請求") { customerId } }', { c: toRestrict.id }, 'compliance');
    expect(res.errors).toBeUndefined();
    expect((await read(`select count(*)::int as n from koe_bi.customers where customer_key = $1`, [keyOf(toRestrict.id)]))[0].n).toBe(0);
    expect((await read(`select count(*)::int as n from koe_bi.feedback where customer_key = $1`, [keyOf(toRestrict.id)]))[0].n).toBe(0);
    await sync();
    expect((await read(`select count(*)::int as n from koe_bi.customers where customer_key = $1`, [keyOf(toRestrict.id)]))[0].n).toBe(0);
  });

  it('empties disposed feedback text in koe_bi in the lifecycle disposal\'s own transaction', async () => {
    const [row] = await read(`select id from koe_bi.feedback where body <> '' limit 1`);
    await db.orm.em.fork().transactional((tx) => DISPOSALS.feedback.dispose(tx, [row.id], new Date()));
    expect(await read(`select subject, body from koe_bi.feedback where id = $1`, [row.id])).toEqual([{ subject: null, body: '' }]);
    await sync();
    expect(await read(`select subject, body from koe_bi.feedback where id = $1`, [row.id])).toEqual([{ subject: null, body: '' }]);
  });

  it('applies one changed feedback row, and only that row, on the next run', async () => {
    await sync();
    const [row] = (await db.sql(`select f.id from feedback f join customer c on c.id = f.customer_id where c.erased_at is null and f.status <> 'RESOLVED' and not exists (select 1 from use_restriction r where r.customer_id = c.id) limit 1`)) as Array<{ id: string }>;
    await db.sql(`update feedback set status = 'RESOLVED' where id = ?`, [row!.id]);
    const result = await sync();
    expect(result.rebuilt).toBe(false);
    expect({ rows: result.rows, changes: result.changes }).toEqual({ rows: 1, changes: 1 });
    expect(await read(`select status from koe_bi.feedback where id = $1`, [row!.id])).toEqual([{ status: 'RESOLVED' }]);
    const again = await sync();
    expect({ rows: again.rows, changes: again.changes }).toEqual({ rows: 0, changes: 0 });
  });

  it('applies changes in outbox order across a power of ten, in small batches, skipping none', async () => {
    // Guards against ordering the outbox by its seq as text ('1000' < '996'): the watermark then
    // jumped past changes not yet applied, which no later run would apply.
    await sync();
    await db.sql(`select setval('bi_change_seq_seq', (10 ^ ceil(log(greatest((select last_value from bi_change_seq_seq), 10) + 8)))::bigint - 6)`);
    const rows = (await db.sql(`select f.id from feedback f join customer c on c.id = f.customer_id where c.erased_at is null and not exists (select 1 from use_restriction r where r.customer_id = c.id) order by f.id limit 12`)) as Array<{ id: string }>;
    for (const [i, { id }] of rows.entries()) await db.sql(`update feedback set rating = ? where id = ?`, [i % 11, id]);
    const result = await sync({ batchSize: 5 });
    expect(result.changes).toBe(12);
    const ids = `{${rows.map((r) => r.id).join(',')}}`;
    expect((await read(`select id, rating from koe_bi.feedback where id = any($1::uuid[]) order by id`, [ids])).map((r) => r.rating)).toEqual(rows.map((_, i) => i % 11));
    expect((await sync()).changes).toBe(0);
  });

  it('rebuilds when the policy version changes: a field the new policy denies leaves the table', async () => {
    const changed = await editedPolicy((text) => {
      const at = text.lastIndexOf('fields: [subject, body]');
      return `${text.slice(0, at)}fields: [subject]${text.slice(at + 'fields: [subject, body]'.length)}`;
    });
    expect(changed.version).not.toBe(policy.version);
    const result = await sync({ policy: changed });
    expect(result.rebuilt).toBe(true);
    const columns = (await read(`select column_name from information_schema.columns where table_schema = 'koe_bi' and table_name = 'feedback'`)).map((r) => r.column_name);
    expect(columns).toContain('subject');
    expect(columns).not.toContain('body');
    // The login role still reads the rebuilt tables (default privileges).
    expect((await read(`select count(*)::int as n from koe_bi.feedback`))[0].n).toBeGreaterThan(0);
  });
});

describe('the CLI verbs', () => {
  const login = `${LOGIN}_cli`;
  afterAll(() => db?.superuser(`drop owned by ${login}; drop role if exists ${login}`).catch(() => {}));

  it('koe bi sync builds another schema, audited as the CLI user, and koe bi grant prints a connection string that reads it', async () => {
    const env = { ...koeCliEnv(db.url), KOE_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY, KOE_BI_PASSWORD: 'bi-test-password-42' };
    const run = await runKoe(['bi', 'sync', '--schema', 'koe_bi_cli', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ schema: 'koe_bi_cli', role: 'bi_readonly', rebuilt: true });
    expect(result.rows).toBeGreaterThan(0);
    const grant = await runKoe(['bi', 'grant', '--schema', 'koe_bi_cli', '--login', login], env);
    expect(grant.code, grant.stderr).toBe(0);
    const url = grant.stdout.trim();
    expect(url).toContain(`${login}:bi-test-password-42@`);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      expect((await c.query(`select count(*)::int as n from koe_bi_cli.feedback`)).rows[0].n).toBeGreaterThan(0);
      await expect(c.query(`select * from public.audit_event limit 1`)).rejects.toThrow(/permission denied/);
    } finally {
      await c.end();
    }
    const [event] = (await db.sql(`select actor_id from audit_event where action = 'bi.sync' and detail->>'schema' = 'koe_bi_cli' limit 1`)) as Array<{ actor_id: string }>;
    expect(event!.actor_id).toMatch(/^cli:/);
  }, 180_000);
});

describe('koe start with KOE_BI_SYNC_INTERVAL', () => {
  it('keeps koe_bi up to date on its own: rebuilt for the policy it runs, then each change applied', async () => {
    const env = { ...koeCliEnv(db.url), KOE_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY, LOG_LEVEL: 'warn' };
    const koeProcess = await startKoeProcess({ env } as unknown as KoeScratch, 180_000, { KOE_BI_SYNC_INTERVAL: '1' });
    try {
      await koeProcess.waitFor(/BI sync every 1 s into koe_bi as bi_readonly/, 30_000);
      // The test before rebuilt koe_bi under another policy: the shipped one rebuilds it again.
      await koeProcess.waitFor(/bi sync: koe_bi as bi_readonly: rebuilt/, 120_000);
      const columns = (await read(`select column_name from information_schema.columns where table_schema = 'koe_bi' and table_name = 'feedback'`)).map((r) => r.column_name);
      expect(columns).toContain('body');
      const [row] = (await db.sql(`select f.id from feedback f join customer c on c.id = f.customer_id where c.erased_at is null and f.status <> 'OPEN' and not exists (select 1 from use_restriction r where r.customer_id = c.id) limit 1`)) as Array<{ id: string }>;
      await db.sql(`update feedback set status = 'OPEN' where id = ?`, [row!.id]);
      await koeProcess.waitFor(/bi sync: koe_bi as bi_readonly: 1 rows written, 1 removed, 1 changes/, 60_000);
      expect(await read(`select status from koe_bi.feedback where id = $1`, [row!.id])).toEqual([{ status: 'OPEN' }]);
    } finally {
      await koeProcess.stop();
    }
  }, 300_000);
});
