/**
 * `feedbackStats` and `customerStats` under the policy, against a real platform on a scratch
 * database of this file's own (it rewrites segments and adds a use restriction):
 * - admin's numbers equal the same GROUP BY run by hand over the seeded rows;
 * - row conditions bind aggregates (marketing counts only consenting customers; a use restriction
 *   for analytics removes the customer from the BI tool's counts);
 * - grouping by a field the caller may not read PLAIN (or, for an age band, as a year) is FORBIDDEN
 *   naming the argument;
 * - small groups are suppressed, with a complement, so a total minus the visible groups never
 *   tells a small group's count (guards against dropping the complementary suppression);
 * - straight to the subgraph as through the gateway, one audit event per request, one statement;
 * - aggregated fields are audited as AGGREGATED, not PLAIN (counted as PLAIN, this file's own
 *   requests tripped admin's PLAIN-read rate limit: 20,000 a minute).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEventEntity, CustomerEntity } from '../../src/data/entities/index.js';
import { migrateAll } from '../../src/data/migrate.js';
import { FEEDBACK_DIMENSIONS } from '../../src/resolvers/feedback/feedback-stats.js';
import { TEST_MASTER_KEY, testKeyProvider, unsealed } from '../support/crypto.js';
import { koeCliEnv, runKoe } from '../support/koe-cli.js';
import { errorCodes, postAs, postGraphQL, type GraphQLBody, type TestKoe } from '../support/koe.js';
import { dataQueries } from '../support/audit-queries.js';
import { seededScratchKoe, type ScratchKoeDb } from '../support/scratch-koe-db.js';

let db: ScratchKoeDb;
let koe: TestKoe;
let stop: (() => Promise<void>) | undefined;
beforeAll(async () => {
  ({ db, koe, stop } = await seededScratchKoe({ customers: 120, feedback: 1500 }));
  // Segments the suppression tests can reason about: 3 + 12 + the rest.
  await db.sql(`update customer c set segment = case when r.n <= 3 then 'tiny' when r.n <= 15 then 'mid' else 'large' end
                from (select id, row_number() over (order by id) as n from customer) r where r.id = c.id`);
  await db.sql(`delete from use_restriction`);
}, 180_000);
afterAll(() => stop?.());

const FEEDBACK = `query($groupBy: [FeedbackStatsDimension!], $interval: StatsInterval, $filter: FeedbackFilter) {
  feedbackStats(groupBy: $groupBy, interval: $interval, filter: $filter) {
    minGroupSize suppressedGroups
    groups { key { period channel sentiment status teamId tag prefecture segment } suppressed count avgRating nps
      bySentiment { sentiment count suppressed } byChannel { channel count suppressed } }
  }
}`;
const CUSTOMERS = `query($groupBy: [CustomerStatsDimension!], $filter: CustomerFilter) {
  customerStats(groupBy: $groupBy, filter: $filter) { minGroupSize suppressedGroups groups { key { prefecture segment teamId ageBand consentedPurpose } suppressed count } }
}`;

type Group = { key: Record<string, unknown>; suppressed: boolean; count: number | null; avgRating?: number | null; nps?: number | null };
const stats = (res: GraphQLBody, name: 'feedbackStats' | 'customerStats') => {
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return (res.data as Record<string, { groups: Group[]; minGroupSize: number; suppressedGroups: number }>)[name]!;
};
/** The one row of a statement (test SQL: its columns are known). */
const one = async (q: string, params: unknown[] = []) => (await db.sql(q, params))[0] as any;
const forbidden = (res: GraphQLBody) => ({ codes: errorCodes(res), argument: res.errors?.[0]?.extensions?.argument, data: res.data });

describe('feedbackStats for admin (minGroupSize 1)', () => {
  it('counts, mean rating and NPS per week × channel equal the same GROUP BY in SQL (weeks in Asia/Tokyo)', async () => {
    const client = await koe.client('p-admin');
    const got = (await client.request<{ feedbackStats: { groups: Group[] } }>(FEEDBACK, { interval: 'WEEK', groupBy: ['CHANNEL'] })).feedbackStats;
    const want = await db.sql(`select to_char(date_trunc('week', received_at at time zone 'Asia/Tokyo'), 'YYYY-MM-DD') as period, channel, count(*)::int as n,
        avg(rating)::float8 as avg, count(rating)::int as rated,
        (100.0 * (count(*) filter (where rating >= 9) - count(*) filter (where rating <= 6)) / nullif(count(rating), 0))::float8 as nps
      from feedback group by 1, 2 order by 1, 2`);
    expect(got.groups.map((g) => [g.key.period, g.key.channel, g.count])).toEqual(want.map((r: any) => [r.period, r.channel, r.n]));
    got.groups.forEach((g, i) => {
      expect(g.suppressed).toBe(false);
      expect(g.avgRating ?? null).toBeCloseTo((want[i] as any).avg ?? null, 9);
      expect(g.nps ?? null).toBeCloseTo((want[i] as any).nps ?? null, 9);
    });
    // A Monday in Tokyo: date_trunc('week') starts weeks on Monday.
    expect(new Date(`${got.groups[0]!.key.period as string}T00:00:00Z`).getUTCDay()).toBe(1);
  });

  it('groups by the customer\'s prefecture and by tag, and breaks each group down by sentiment and channel', async () => {
    const client = await koe.client('p-admin');
    const byPref = (await client.request<{ feedbackStats: { groups: Array<Group & { bySentiment: Array<{ count: number }> }> } }>(FEEDBACK, { groupBy: ['PREFECTURE'] })).feedbackStats;
    const want = await db.sql(`select c.prefecture, count(*)::int as n from feedback f left join customer c on c.id = f.customer_id group by 1 order by 1`);
    expect(byPref.groups.map((g) => [g.key.prefecture, g.count])).toEqual(want.map((r: any) => [r.prefecture, r.n]));
    for (const g of byPref.groups) expect(g.bySentiment.reduce((s, x) => s + x.count, 0)).toBe(g.count);
    const byTag = (await client.request<{ feedbackStats: { groups: Group[] } }>(FEEDBACK, { groupBy: ['TAG'], filter: { channel: 'EMAIL' } })).feedbackStats;
    const tags = await db.sql(`select t.tag, count(*)::int as n from feedback f cross join lateral unnest(f.tags) t(tag) where f.channel = 'EMAIL' group by 1 order by 1`);
    expect(byTag.groups.map((g) => [g.key.tag, g.count])).toEqual(tags.map((r: any) => [r.tag, r.n]));
  });

  it('runs one statement for the aggregate and records one audit event with the fields aggregated', async () => {
    const requestId = `stats-${randomUUID()}`;
    koe.resetQueries();
    const res = await postGraphQL(koe.platform.subgraphUrls.feedback, { query: FEEDBACK, variables: { groupBy: ['WEEK', 'CHANNEL'] } }, {
      authorization: `Bearer ${await koe.token('p-admin')}`,
      'x-request-id': requestId,
    });
    const total = (await one(`select count(*)::int as n from feedback`)).n;
    expect(stats(res.json, 'feedbackStats').groups.reduce((s, g) => s + (g.count ?? 0), 0)).toBe(total);
    const data = dataQueries(koe.queries).filter((q) => /\bfrom feedback f\b/.test(q));
    expect(data).toHaveLength(1);
    expect(data[0]).toMatch(/group by/);
    const events = (await koe.orm.em.fork().find(AuditEventEntity, { requestId })).filter((e) => e.action !== 'edge' && !e.action.startsWith('alert.'));
    expect(events).toHaveLength(1);
    expect(events[0]!.fields).toEqual(expect.arrayContaining([
      { field: 'Feedback.receivedAt', decision: 'AGGREGATED', count: total },
      { field: 'Feedback.channel', decision: 'AGGREGATED', count: total },
      { field: 'Feedback.rating', decision: 'AGGREGATED', count: total },
    ]));
  });
});

describe('feedbackStats computes what the operation asks for', () => {
  it('leaves out the metrics not selected, from the statement and from the audit event', async () => {
    const requestId = `stats-${randomUUID()}`;
    koe.resetQueries();
    const query = 'query Counts { feedbackStats(groupBy: [STATUS]) { groups { key { status } count } } }';
    const res = await postGraphQL(koe.platform.subgraphUrls.feedback, { query }, { authorization: `Bearer ${await koe.token('p-admin')}`, 'x-request-id': requestId });
    expect(stats(res.json, 'feedbackStats').groups.length).toBeGreaterThan(0);
    const [statement] = dataQueries(koe.queries).filter((q) => /\bfrom feedback f\b/.test(q));
    expect(statement).not.toMatch(/avg\(|f\.sentiment =|f\.channel =/);
    const [event] = (await koe.orm.em.fork().find(AuditEventEntity, { requestId })).filter((e) => e.action === 'query');
    expect(event!.fields.map((f) => f.field)).toEqual(['Feedback.status']);
  });
});

describe('the time buckets have planner statistics (a week × channel breakdown is hashed, not sorted to disk)', () => {
  // Without them PostgreSQL guesses a bucket has 200 distinct values whatever the data, and with a
  // row condition on top sorted 100,000 rows to disk to group them (docs/analytics.md, Figures).
  it.each(['DAY', 'WEEK', 'MONTH'] as const)('%s: the planner knows how many buckets there are', async (unit) => {
    await db.sql('analyze feedback');
    const { group } = FEEDBACK_DIMENSIONS[unit];
    const actual = (await one(`select count(distinct ${group})::int as n from feedback f`)).n;
    const [row] = await db.sql(`explain (format json) select 1 from feedback f group by ${group}`);
    const estimate = (row as any)['QUERY PLAN'][0].Plan['Plan Rows'] as number;
    expect(actual).toBeGreaterThanOrEqual(5);
    expect(Math.abs(estimate - actual)).toBeLessThanOrEqual(actual * 0.1 + 2);
  });
});

describe('row conditions bind aggregates', () => {
  it('marketing counts only customers who consent to marketing now', async () => {
    const want = (await one(`select count(*)::int as n from customer c where exists (select 1 from consent k where k.customer_id = c.id and k.purpose = 'marketing' and k.withdrawn_at is null)`)).n;
    const all = (await one(`select count(*)::int as n from customer`)).n;
    expect(want).toBeGreaterThanOrEqual(10);
    expect(want).toBeLessThan(all);
    const total = stats(await postAs(koe, 'p-marketing', CUSTOMERS, {}), 'customerStats');
    expect(total.groups).toEqual([{ key: expect.anything(), suppressed: false, count: want }]);
    // Consents are read through marketing's own Consent rule: no other purpose appears.
    const byPurpose = stats(await postAs(koe, 'p-marketing', CUSTOMERS, { groupBy: ['CONSENTED_PURPOSE'] }), 'customerStats');
    expect(byPurpose.groups.map((g) => [g.key.consentedPurpose, g.count])).toEqual([['marketing', want]]);
  });

  it('a use restriction for analytics takes the customer out of the BI tool\'s counts, not the admin\'s', async () => {
    const count = async (p: string) => stats(await postAs(koe, p, CUSTOMERS, {}), 'customerStats').groups[0]!.count;
    const items = async (p: string) => stats(await postAs(koe, p, FEEDBACK, {}), 'feedbackStats').groups[0]!.count;
    const [bi, admin, biItems] = [await count('p-bi'), await count('p-admin'), await items('p-bi')];
    expect(bi).toBe(admin);
    const { id, n } = await one(`select customer_id as id, count(*)::int as n from feedback where customer_id is not null group by 1 order by 2 desc limit 1`);
    await db.sql(`insert into use_restriction (customer_id, purpose, restricted_at, restricted_by, reason) values (?, 'analytics', now(), 'p-dpo', 'test')`, [id]);
    try {
      expect(await count('p-bi')).toBe(bi! - 1);
      expect(await items('p-bi')).toBe(biItems! - n);
      expect(await count('p-admin')).toBe(admin);
    } finally {
      await db.sql(`delete from use_restriction where customer_id = ?`, [id]);
    }
  });
});

describe('grouping needs the decision that yields the group', () => {
  it.each<[string, 'feedbackStats' | 'customerStats', string, string]>([
    ['the auditor', 'customerStats', 'PREFECTURE', 'p-auditor'],
    ['marketing (no feedback at all)', 'feedbackStats', 'CHANNEL', 'p-marketing'],
    ['marketing (no birth dates)', 'customerStats', 'AGE_BAND', 'p-marketing'],
    ['the BI tool (birth date DENIED)', 'customerStats', 'AGE_BAND', 'p-bi'],
  ])('%s: %s by %s is FORBIDDEN naming the argument', async (_who, query, dim, principal) => {
    const res = await postAs(koe, principal, query === 'feedbackStats' ? FEEDBACK : CUSTOMERS, { groupBy: [dim] });
    expect(forbidden(res)).toEqual({ codes: ['FORBIDDEN'], argument: `groupBy: ${dim}`, data: null });
  });

  it('a filter on a field the caller reads masked is FORBIDDEN, as in lists', async () => {
    const res = await postAs(koe, 'p-analyst', CUSTOMERS, { filter: { email: 'a@example.jp' } });
    expect(forbidden(res)).toMatchObject({ codes: ['FORBIDDEN'], argument: 'filter.email' });
  });

  it('a text search is refused for aggregates (it is no SQL condition)', async () => {
    const res = await postAs(koe, 'p-admin', FEEDBACK, { filter: { text: '配送' } });
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('small groups are suppressed (the BI tool: minGroupSize 10)', () => {
  it('hides the one small segment and the next smallest, so the total minus the visible segment tells neither', async () => {
    const total = stats(await postAs(koe, 'p-bi', CUSTOMERS, {}), 'customerStats');
    const bySegment = stats(await postAs(koe, 'p-bi', CUSTOMERS, { groupBy: ['SEGMENT'] }), 'customerStats');
    expect(bySegment.minGroupSize).toBe(10);
    expect(bySegment.groups).toEqual([
      { key: expect.objectContaining({ segment: 'large' }), suppressed: false, count: 105 },
      { key: expect.objectContaining({ segment: 'mid' }), suppressed: true, count: null },
      { key: expect.objectContaining({ segment: 'tiny' }), suppressed: true, count: null },
    ]);
    // What differencing gives: 15, the two hidden segments together, never 3.
    expect(total.groups[0]!.count! - 105).toBe(15);
  });

  it('the admin (minGroupSize 1) sees every segment', async () => {
    const bySegment = stats(await postAs(koe, 'p-admin', CUSTOMERS, { groupBy: ['SEGMENT'] }), 'customerStats');
    expect(bySegment.groups.map((g) => [g.key.segment, g.count])).toEqual([['large', 105], ['mid', 12], ['tiny', 3]]);
  });

  it('suppresses feedback groups with their metrics and breakdowns, straight to the subgraph as through the gateway', async () => {
    const url = koe.platform.subgraphUrls.feedback;
    const viaGateway = stats(await postAs(koe, 'p-bi', FEEDBACK, { groupBy: ['SEGMENT', 'CHANNEL'] }), 'feedbackStats');
    const direct = stats(await postAs(koe, 'p-bi', FEEDBACK, { groupBy: ['SEGMENT', 'CHANNEL'] }, undefined, url), 'feedbackStats');
    expect(direct).toEqual(viaGateway);
    expect(viaGateway.suppressedGroups).toBeGreaterThan(0);
    for (const g of viaGateway.groups as Array<Group & { bySentiment: unknown; byChannel: unknown }>) {
      if (g.suppressed) expect(g).toMatchObject({ count: null, avgRating: null, nps: null, bySentiment: null, byChannel: null });
      else expect(g.count).toBeGreaterThanOrEqual(10);
    }
    // Every channel's line across segments hides none or at least two groups.
    const byChannel = new Map<unknown, Group[]>();
    for (const g of viaGateway.groups) byChannel.set(g.key.channel, [...(byChannel.get(g.key.channel) ?? []), g]);
    for (const line of byChannel.values()) expect(line.filter((g) => g.suppressed).length).not.toBe(1);
  });
});

describe('AGE_BAND: customers per 10-year band of the age reached this year (Asia/Tokyo)', () => {
  const tokyoYear = () => Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Tokyo', year: 'numeric' }).format(new Date()));
  /** The bands computed in SQL from the birth dates opened with the test key ring (not from `birth_year`). */
  const bandsFromSealedDates = async (): Promise<Array<[string | null, number]>> => {
    const dates: string[] = [];
    for (const c of await db.orm.em.fork().find(CustomerEntity, {}, { orderBy: { id: 'asc' } })) {
      if (c.birthDate) dates.push((await unsealed(db.orm, 'customer', c)).birthDate);
    }
    const rows = await db.sql(
      `select case when a < 20 then '0-19' when a >= 70 then '70+' else (a / 10 * 10)::text || '-' || (a / 10 * 10 + 9)::text end as band, count(*)::int as n
         from (select ?::int - extract(year from d)::int as a from unnest(?::date[]) as d) x group by 1 order by 1`,
      [tokyoYear(), `{${dates.join(',')}}`],
    );
    return rows.map((r: any) => [r.band, r.n]);
  };
  const bands = async (principal: string) => stats(await postAs(koe, principal, CUSTOMERS, { groupBy: ['AGE_BAND'] }), 'customerStats');

  it('the analyst (birth date MASKED to the year) gets the bands the birth dates give, audited as the birth date aggregated', async () => {
    const want = await bandsFromSealedDates();
    expect(want.length).toBeGreaterThanOrEqual(5);
    const requestId = `stats-${randomUUID()}`;
    const res = await postGraphQL(koe.platform.gatewayUrl, { query: CUSTOMERS, variables: { groupBy: ['AGE_BAND'] } }, {
      authorization: `Bearer ${await koe.token('p-analyst')}`,
      'x-request-id': requestId,
    });
    const got = stats(res.json, 'customerStats');
    expect(got.groups.map((g) => [g.key.ageBand, g.suppressed, g.count])).toEqual(want.map(([band, n]) => [band, false, n]));
    const [event] = (await koe.orm.em.fork().find(AuditEventEntity, { requestId })).filter((e) => e.action === 'query');
    expect(event!.fields).toEqual([{ field: 'Customer.birthDate', decision: 'AGGREGATED', count: want.reduce((s, [, n]) => s + n, 0) }]);
  });

  it('suppresses small bands like any group (the analyst: minGroupSize 5; the 3 customers of segment "tiny")', async () => {
    const got = stats(await postAs(koe, 'p-analyst', CUSTOMERS, { groupBy: ['SEGMENT', 'AGE_BAND'] }), 'customerStats');
    const tiny = got.groups.filter((g) => g.key.segment === 'tiny');
    expect(tiny.length).toBeGreaterThan(0);
    for (const g of tiny) expect(g).toMatchObject({ suppressed: true, count: null });
    for (const g of got.groups) if (!g.suppressed) expect(g.count).toBeGreaterThanOrEqual(5);
  });

  it('koe migrate fills the birth years of customers stored before the column, from the sealed dates, with progress; a rerun fills none', { timeout: 120_000 }, async () => {
    const before = await db.sql(`select id, birth_year from customer order by id`);
    expect(before.every((r: any) => typeof r.birth_year === 'number')).toBe(true);
    await db.sql(`update customer set birth_year = null`);
    const env = { ...koeCliEnv(db.url), KOE_MASTER_KEY: TEST_MASTER_KEY };
    const run = await runKoe(['migrate', '--progress'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Filled the birth year (age bands) of customers stored before it: ${before.length} rows`);
    expect(run.stderr).toMatch(new RegExp(`filling customers' birth years .*${before.length}/${before.length} rows`));
    expect(await db.sql(`select id, birth_year from customer order by id`)).toEqual(before);
    expect((await migrateAll(db.orm, testKeyProvider())).birthYears).toBe(0);
  });

  it('an erased customer\'s birth year is emptied and they leave their band (counted as no band)', async () => {
    const [person] = await db.sql(`select id, birth_year from customer where erased_at is null order by id limit 1`);
    const band = (rows: Group[], key: string | null) => rows.find((g) => g.key.ageBand === key)?.count ?? 0;
    const before = (await bands('p-admin')).groups;
    const age = tokyoYear() - (person as any).birth_year;
    const label = age < 20 ? '0-19' : age >= 70 ? '70+' : `${Math.floor(age / 10) * 10}-${Math.floor(age / 10) * 10 + 9}`;
    const res = await postAs(koe, 'p-dpo', 'mutation($c: ID!) { requestErasure(customerId: $c, reason: "本人の申出") { erasedAt } }', { c: (person as any).id }, 'compliance');
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    expect((await one(`select birth_year from customer where id = ?`, [(person as any).id])).birth_year).toBeNull();
    const after = (await bands('p-admin')).groups;
    expect(band(after, label)).toBe(band(before, label) - 1);
    expect(band(after, null)).toBe(band(before, null) + 1);
    expect(after.reduce((s, g) => s + g.count!, 0)).toBe(before.reduce((s, g) => s + g.count!, 0));
  });
});
