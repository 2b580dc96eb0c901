/**
 * Aggregates as an attacker uses them, against a real platform on a scratch database of this
 * file's own (it rewrites channels and sentiments so the small cells are known):
 * - a breakdown inside the groups (`bySentiment` per channel) against the total's breakdown: the
 *   column of one sentiment across channels must not hide a single cell, which the total minus the
 *   visible cells would give away; the breakdowns are suppressed exactly as grouping by that
 *   dimension too (the same cells, the same hidden ones, whichever way it is asked);
 * - two aggregates in one request, each under its alias, are each suppressed as if sent alone;
 * - a filter on a field the caller may not read PLAIN is FORBIDDEN however it is written
 *   (variables, a fragment, an alias), straight to the subgraph too, and nothing is counted; a
 *   support agent, who reads other teams' e-mails masked, cannot look one up by aggregate or list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, postAs, type GraphQLBody, type TestKoe } from '../support/koe.js';
import { seededScratchKoe, type ScratchKoeDb } from '../support/scratch-koe-db.js';

let db: ScratchKoeDb;
let koe: TestKoe;
let stop: (() => Promise<void>) | undefined;
const SENTIMENTS = ['POSITIVE', 'NEUTRAL', 'NEGATIVE'];
beforeAll(async () => {
  ({ db, koe, stop } = await seededScratchKoe({ customers: 40, feedback: 600 }));
  // 100 items per channel, a third of each sentiment, except SNS: 3 NEGATIVE, the rest POSITIVE.
  await db.sql(`update feedback f set
      channel = (array['EMAIL','PHONE','WEB','SNS','STORE','SURVEY'])[(r.n % 6) + 1],
      sentiment = case when r.n % 6 = 3 then (case when r.n / 6 < 3 then 'NEGATIVE' else 'POSITIVE' end)
                       else (array['POSITIVE','NEUTRAL','NEGATIVE'])[((r.n / 6) % 3) + 1] end
    from (select id, (row_number() over (order by id)) - 1 as n from feedback) r where r.id = f.id`);
  await db.sql(`delete from use_restriction`);
}, 180_000);
afterAll(() => stop?.());

type Cell = { count: number | null; suppressed: boolean };
type Breakdown = Array<Cell & { sentiment: string | null }>;
type Group = Cell & { key: { channel: string | null; sentiment: string | null; segment: string | null }; bySentiment?: Breakdown | null };
type Stats = { minGroupSize: number; suppressedGroups: number; groups: Group[] };
const ok = <T>(res: GraphQLBody): T => {
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data as T;
};

describe('a breakdown inside the groups, differenced against the total (the BI tool: minGroupSize 10)', () => {
  const ATTACK = `{
    perChannel: feedbackStats(groupBy: [CHANNEL]) { groups { key { channel } suppressed count bySentiment { sentiment count suppressed } } }
    total: feedbackStats { groups { count bySentiment { sentiment count suppressed } } }
  }`;

  it('the total of a sentiment minus its visible cells across channels tells no single cell (SNS has 3 NEGATIVE)', async () => {
    const { perChannel, total } = ok<{ perChannel: Stats; total: Stats }>(await postAs(koe, 'p-bi', ATTACK));
    const totals = new Map(total.groups[0]!.bySentiment!.map((s) => [s.sentiment, s]));
    for (const sentiment of SENTIMENTS) {
      expect(totals.get(sentiment)!.suppressed).toBe(false);
      const column = perChannel.groups.filter((g) => !g.suppressed).flatMap((g) => g.bySentiment!.filter((s) => s.sentiment === sentiment));
      const hidden = column.filter((s) => s.suppressed);
      const visibleSum = column.reduce((sum, s) => sum + (s.count ?? 0), 0);
      // The attacker's arithmetic gives the sum of the hidden cells: never one cell, never all ones.
      expect(hidden.length, `${sentiment}: ${JSON.stringify(column)}`).not.toBe(1);
      if (hidden.length) expect(totals.get(sentiment)!.count! - visibleSum).toBeGreaterThan(hidden.length);
    }
    // The small cell itself is hidden.
    const sns = perChannel.groups.find((g) => g.key.channel === 'SNS')!;
    expect(sns.bySentiment!.find((s) => s.sentiment === 'NEGATIVE')).toEqual({ sentiment: 'NEGATIVE', count: null, suppressed: true });
  });

  it('hides the same cells as grouping by channel and sentiment, so asking both ways shows nothing more', async () => {
    const { perChannel } = ok<{ perChannel: Stats }>(await postAs(koe, 'p-bi', ATTACK));
    const { feedbackStats: table } = ok<{ feedbackStats: Stats }>(
      await postAs(koe, 'p-bi', '{ feedbackStats(groupBy: [CHANNEL, SENTIMENT]) { groups { key { channel sentiment } suppressed count } } }'),
    );
    const sorted = (cells: unknown[][]) => cells.map((c) => JSON.stringify(c)).sort();
    const fromBreakdowns = perChannel.groups.flatMap((g) => g.bySentiment!.map((s) => [g.key.channel, s.sentiment, s.count, s.suppressed]));
    expect(sorted(fromBreakdowns)).toEqual(sorted(table.groups.map((g) => [g.key.channel, g.key.sentiment, g.count, g.suppressed])));
    expect(table.groups.filter((g) => g.suppressed).length).toBeGreaterThanOrEqual(2);
  });
});

describe('two aggregates in one request', () => {
  it('each alias is suppressed as if it came alone, straight to the subgraph as through the gateway', async () => {
    const both = `{ a: feedbackStats(groupBy: [CHANNEL, SENTIMENT]) { minGroupSize suppressedGroups groups { key { channel sentiment } suppressed count } }
      b: feedbackStats(groupBy: [SENTIMENT]) { minGroupSize suppressedGroups groups { key { channel sentiment } suppressed count } } }`;
    for (const url of [koe.platform.gatewayUrl, koe.platform.subgraphUrls.feedback]) {
      const { a, b } = ok<{ a: Stats; b: Stats }>(await postAs(koe, 'p-bi', both, {}, undefined, url));
      const alone = async (groupBy: string[]) =>
        ok<{ feedbackStats: Stats }>(await postAs(koe, 'p-bi', `query($g: [FeedbackStatsDimension!]) { feedbackStats(groupBy: $g) { minGroupSize suppressedGroups groups { key { channel sentiment } suppressed count } } }`, { g: groupBy }, undefined, url)).feedbackStats;
      expect(a).toEqual(await alone(['CHANNEL', 'SENTIMENT']));
      expect(b).toEqual(await alone(['SENTIMENT']));
      expect(a.minGroupSize).toBe(10);
      expect(a.suppressedGroups).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('a filter on a field not PLAIN to the caller, however it is written', () => {
  let email: string;
  beforeAll(async () => {
    const admin = ok<{ customers: { edges: Array<{ node: { email: string } }> } }>(await postAs(koe, 'p-admin', '{ customers(first: 1) { edges { node { email } } } }'));
    email = admin.customers.edges[0]!.node.email;
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['in a variable', 'query($f: CustomerFilter) { customerStats(filter: $f) { groups { count } } }', { f: { email: 'x' } }],
    ['in a fragment under an alias', 'query($e: String) { ...F } fragment F on Query { n: customerStats(filter: { email: $e }, groupBy: [SEGMENT]) { groups { count } } }', { e: 'x' }],
    ['beside an allowed aggregate', 'query($e: String) { ok: customerStats { groups { count } } bad: customerStats(filter: { segment: "x", email: $e }) { groups { count } } }', { e: 'x' }],
  ])('the analyst filtering customerStats by e-mail %s: FORBIDDEN naming filter.email, no count', async (_how, query, variables) => {
    const withEmail = JSON.parse(JSON.stringify(variables).replace('"x"', JSON.stringify(email))) as Record<string, unknown>;
    for (const url of [koe.platform.gatewayUrl, koe.platform.subgraphUrls.customers]) {
      const res = await postAs(koe, 'p-analyst', query, withEmail, undefined, url);
      expect(errorCodes(res)).toContain('FORBIDDEN');
      expect(res.errors!.find((e) => e.extensions?.code === 'FORBIDDEN')!.extensions!.argument).toBe('filter.email');
      // Whatever else the request held, no count of the filtered set comes back.
      const data = (res.data ?? {}) as Record<string, unknown>;
      expect(data.n ?? data.bad ?? data.customerStats ?? null).toBeNull();
    }
  });

  it('a support agent may not look an e-mail up through customerStats or customers (an oracle for other teams\' customers)', async () => {
    for (const query of ['query($e: String) { customerStats(filter: { email: $e }) { groups { count } } }', 'query($e: String) { customers(filter: { email: $e }) { totalCount } }']) {
      const res = await postAs(koe, 'p-support-east', query, { e: email });
      expect({ codes: errorCodes(res), argument: res.errors?.[0]?.extensions?.argument, data: res.data }).toEqual({ codes: ['FORBIDDEN'], argument: 'filter.email', data: null });
    }
  });
});
