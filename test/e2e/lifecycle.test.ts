/**
 * Retention and disposal on a seeded scratch database: `koe lifecycle run` counts exactly the due
 * rows in a dry run and changes nothing; --apply disposes of exactly those (feedback scrubbed,
 * purchases anonymised, inactive customers crypto-shredded), leaves everything else and every
 * aggregate as it was, writes one audit event per batch; a second run finds nothing; and a run
 * that crashes after its first batch is finished by a rerun with the right totals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/audit/verify.js';
import { FeedbackEntity } from '../../src/data/entities/index.js';
import { applyLifecycle, findDue } from '../../src/data/lifecycle/index.js';
import { parsePeriod } from '../../src/policies/load/lifecycle-policy.js';
import type { LifecycleRule } from '../../src/policies/model.js';
import { unsealed } from '../support/crypto.js';
import { koeCliEnv, runKoe } from '../support/koe-cli.js';
import { seededScratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';

/** Shipped policy: feedback P3Y, purchases P7Y, contact details P2Y. */
const NOW = '2026-12-01T00:00:00.000Z';
const BATCH = 7;
let db: ScratchKoeDb;

const koe = (args: readonly string[]) => runKoe(args, koeCliEnv(db.url));

type Row = Record<string, unknown>;
const ids = async (q: string, params: unknown[] = []) => new Set((await db.sql<Row>(q, params)).map((r) => String(r.id)));
const sorted = (s: Iterable<string>) => [...s].sort();

/** Every column of the tables lifecycle touches, as text: "nothing changed" is an equal snapshot. */
async function snapshot(): Promise<string> {
  const parts: string[] = [];
  for (const [table, order] of [['customer', 'id'], ['feedback', 'id'], ['purchase', 'id'], ['data_key', 'owner_id'], ['consent', 'id']]) {
    const rows = await db.sql<Row>(`select t::text as r from ${table} t order by ${order}`);
    parts.push(...rows.map((r) => String(r.r)));
  }
  return parts.join('\n');
}

async function aggregates(): Promise<Row> {
  const [a] = await db.sql<Row>(
    `select (select count(*) from customer)::int as customers, (select count(*) from feedback)::int as feedback,
            (select count(*) from purchase)::int as purchases, (select coalesce(sum(rating), 0) from feedback)::int as ratings,
            (select sum(amount) from purchase)::bigint::text as amounts,
            (select string_agg(channel || sentiment, ',' order by id) from feedback) as channels,
            (select string_agg(prefecture || coalesce(segment, ''), ',' order by id) from customer) as prefectures`,
  );
  return a!;
}

const dueCount = (stdout: string, category: string) => Number(new RegExp(`^${category}\\s.*?\\s(\\d+)$`, 'm').exec(stdout)?.[1]);

/** The due sets, computed with SQL before anything runs. */
let dueFeedback: Set<string>;
let duePurchases: Set<string>;
let dueCustomers: Set<string>;
let before: string;
let aggregatesBefore: Row;
let bodiesBefore: Map<string, string>;

beforeAll(async () => {
  db = await seededScratchKoeDb({ customers: 40, feedback: 300 });
  // Demo data spans recent months: make a known set old enough, from customers kept and shredded alike.
  await db.sql(`update feedback set received_at = '2023-03-01T00:00:00Z' where id in (select id from feedback order by id limit 37)`);
  await db.sql(`update purchase set ordered_at = '2019-05-01T00:00:00Z' where id in (select id from purchase order by id limit 23)`);
  await db.sql(`update customer set last_activity_at = '2023-01-01T00:00:00Z' where id in (select id from customer order by id limit 5)`);
  dueFeedback = await ids(`select id from feedback where received_at < '2023-12-01T00:00:00Z'`);
  duePurchases = await ids(`select id from purchase where ordered_at < '2019-12-01T00:00:00Z'`);
  dueCustomers = await ids(`select id from customer where last_activity_at < '2024-12-01T00:00:00Z'`);
  expect(dueFeedback.size).toBe(37);
  expect(duePurchases.size).toBe(23);
  expect(dueCustomers.size).toBeGreaterThanOrEqual(5);
  before = await snapshot();
  aggregatesBefore = await aggregates();
  bodiesBefore = new Map((await db.sql<Row>(`select id, body from feedback`)).map((r) => [String(r.id), String(r.body)]));
}, 120_000);
afterAll(async () => {
  await db?.drop();
});

describe('koe lifecycle run', () => {
  it('reports the due counts and cutoffs per category in a dry run, and changes nothing', async () => {
    const r = await koe(['lifecycle', 'run', '--now', NOW]);
    expect(r.stderr).not.toContain('koe:');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('dry run: nothing changed');
    expect(dueCount(r.stdout, 'feedback')).toBe(dueFeedback.size);
    expect(dueCount(r.stdout, 'purchases')).toBe(duePurchases.size);
    expect(dueCount(r.stdout, 'contactDetails')).toBe(dueCustomers.size);
    expect(r.stdout).toContain('2023-12-01T00:00:00.000Z'); // feedback: NOW minus P3Y
    expect(await snapshot()).toBe(before);
    const json = JSON.parse((await koe(['lifecycle', 'run', '--now', NOW, '--json'])).stdout) as { categories: Array<{ category: string; due: number }> };
    expect(json.categories.map((c) => [c.category, c.due])).toEqual([
      ['feedback', dueFeedback.size],
      ['purchases', duePurchases.size],
      ['contactDetails', dueCustomers.size],
    ]);
  }, 60_000);

  it('refuses a bad --now or --batch with exit code 2', async () => {
    expect((await koe(['lifecycle', 'run', '--now', 'yesterday'])).code).toBe(2);
    expect((await koe(['lifecycle', 'run', '--apply', '--batch', '0'])).code).toBe(2);
    expect(await snapshot()).toBe(before);
  }, 60_000);

  it('with --apply disposes of exactly the due rows, keeps aggregates, and writes one audit event per batch', async () => {
    // The clear birth year (age bands) was there to clear: every seeded customer has one.
    expect(await ids(`select id from customer where birth_year is null`)).toEqual(new Set());
    const ofShredded = await ids(`select id from feedback where customer_id in (${sorted(dueCustomers).map(() => '?').join(', ')})`, sorted(dueCustomers));
    const purchasesOfShredded = await ids(`select id from purchase where customer_id in (${sorted(dueCustomers).map(() => '?').join(', ')})`, sorted(dueCustomers));
    const r = await koe(['lifecycle', 'run', '--apply', '--now', NOW, '--batch', String(BATCH)]);
    expect(r.stderr).not.toContain('koe:');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('disposing:');
    expect(r.stdout).toContain(`${dueFeedback.size + duePurchases.size + dueCustomers.size} rows disposed of`);

    // Feedback: the due rows and those of shredded customers scrubbed; every other body as it was.
    const scrubbed = await ids(`select id from feedback where scrubbed_at is not null`);
    expect(sorted(scrubbed)).toEqual(sorted(new Set([...dueFeedback, ...ofShredded])));
    const [empty] = await db.sql<Row>(`select count(*)::int as n from feedback where scrubbed_at is not null and (body <> '' or note is not null or subject is not null)`);
    expect(empty!.n).toBe(0);
    for (const r of await db.sql<Row>(`select id, body from feedback where scrubbed_at is null`)) expect(r.body).toBe(bodiesBefore.get(String(r.id)));
    const kept = await db.orm.em.fork().find(FeedbackEntity, { scrubbedAt: null }, { limit: 5 });
    expect(kept.length).toBe(5);
    for (const f of kept) expect((await unsealed(db.orm, 'feedback', f)).body).not.toMatch(/^ENC1:|^$/);

    // Purchases: due and shredded customers' ones anonymised, amount/category/date kept.
    const anonymised = await ids(`select id from purchase where anonymised_at is not null and product_name = '' and store = ''`);
    expect(sorted(anonymised)).toEqual(sorted(new Set([...duePurchases, ...purchasesOfShredded])));
    expect(await ids(`select id from purchase where anonymised_at is null and (product_name not like 'ENC1:%' or store not like 'ENC1:%')`)).toEqual(new Set());

    // Customers: exactly the inactive ones shredded (key gone, PII, blind indexes and birth year emptied).
    expect(sorted(await ids(`select id from customer where erased_at is not null`))).toEqual(sorted(dueCustomers));
    expect(await ids(`select id from customer where erased_at is not null and (email <> '' or name <> '' or phone <> '' or address <> '' or email_bidx is not null)`)).toEqual(new Set());
    expect(sorted(await ids(`select id from customer where birth_year is null`))).toEqual(sorted(dueCustomers));
    const owners = await ids(`select owner_id as id from data_key`);
    for (const c of dueCustomers) expect(owners.has(c)).toBe(false);
    expect(owners.size).toBe(40 - dueCustomers.size + 1); // + the nil owner's shared key
    // Remembered as shredded: a later write naming them is refused instead of minting a new key.
    expect(sorted(await ids(`select owner_id as id from shredded_owner`))).toEqual(sorted(dueCustomers));
    const [withdrawn] = await db.sql<Row>(`select count(*)::int as n from consent where withdrawn_at is null and customer_id in (select id from customer where erased_at is not null)`);
    expect(withdrawn!.n).toBe(0);

    expect(await aggregates()).toEqual(aggregatesBefore);

    // One audit event per batch, with the category, count and cutoff; the chain still verifies.
    const events = await db.sql<Row>(`select detail, resources from audit_event where action = 'lifecycle.dispose' order by seq`);
    const batches = (n: number) => Math.ceil(n / BATCH);
    expect(events.length).toBe(batches(dueFeedback.size) + batches(duePurchases.size) + batches(dueCustomers.size));
    const counted: Record<string, number> = {};
    for (const e of events) {
      const d = e.detail as { category: string; count: number; cutoff: string };
      counted[d.category] = (counted[d.category] ?? 0) + d.count;
      expect(d.count).toBeLessThanOrEqual(BATCH);
      expect((e.resources as string[]).length).toBe(d.count);
    }
    expect(counted).toEqual({ feedback: dueFeedback.size, purchases: duePurchases.size, contactDetails: dueCustomers.size });
    expect((await verifyChain(db.sql)).ok).toBe(true);
  }, 120_000);

  it('finds nothing on a second run, and an apply then changes nothing', async () => {
    const dry = await koe(['lifecycle', 'run', '--now', NOW]);
    for (const c of ['feedback', 'purchases', 'contactDetails']) expect(dueCount(dry.stdout, c)).toBe(0);
    expect(dry.stdout).toContain('Nothing is due.');
    const after = await snapshot();
    const [n] = await db.sql<Row>(`select count(*)::int as n from audit_event`);
    const r = await koe(['lifecycle', 'run', '--apply', '--now', NOW]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 rows disposed of');
    expect(await snapshot()).toBe(after);
    const [m] = await db.sql<Row>(`select count(*)::int as n from audit_event where action = 'lifecycle.dispose'`);
    const [all] = await db.sql<Row>(`select count(*)::int as n from audit_event`);
    expect(all!.n).toBe(n!.n);
    expect(m!.n).toBeGreaterThan(0);
  }, 60_000);
});

describe(applyLifecycle.name, () => {
  const rule = (keep: string): LifecycleRule => ({ category: 'feedback', keep, period: parsePeriod(keep)!, after: 'receivedAt', action: 'scrub' });

  it('finishes on a rerun after crashing past its first batch, with the right totals', async () => {
    const rules = [rule('P1D')];
    const now = new Date('2027-01-01T00:00:00Z'); // every remaining demo feedback is older than a day by then
    const [due] = await findDue(db.orm.em.fork(), rules, now);
    expect(due!.due).toBeGreaterThan(20);
    const crash = new Error('crash after the first batch');
    await expect(
      applyLifecycle(db.orm.em.fork(), rules, { now, batchSize: 10, onProgress: () => { throw crash; } }),
    ).rejects.toBe(crash);
    const [left] = await findDue(db.orm.em.fork(), rules, now);
    expect(left!.due).toBe(due!.due - 10);
    const [rerun] = await applyLifecycle(db.orm.em.fork(), rules, { now, batchSize: 10 });
    expect(rerun!.disposed).toBe(due!.due - 10);
    expect(rerun!.remaining).toBe(0);
    expect((await findDue(db.orm.em.fork(), rules, now))[0]!.due).toBe(0);
  }, 60_000);

  it('rolls a batch back whole when what it writes with it fails (no disposal without its record)', async () => {
    // The test above scrubbed every feedback: three are made due again, with a text to keep.
    await db.sql(`update feedback set received_at = '2020-01-01T00:00:00Z', scrubbed_at = null, body = 'still here' where id in (select id from feedback order by id limit 3)`);
    const rules = [rule('P3Y')];
    const now = new Date(NOW);
    const [due] = await findDue(db.orm.em.fork(), rules, now);
    expect(due!.due).toBe(3);
    await expect(applyLifecycle(db.orm.em.fork(), rules, { now, onBatch: async () => { throw new Error('audit down'); } })).rejects.toThrow('audit down');
    expect((await findDue(db.orm.em.fork(), rules, now))[0]!.due).toBe(3);
    expect((await db.sql<Row>(`select id from feedback where received_at = '2020-01-01T00:00:00Z' and body = 'still here' and scrubbed_at is null`)).length).toBe(3);
  }, 60_000);
});
