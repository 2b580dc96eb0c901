/**
 * `feedbackStats`: one GROUP BY statement over the feedback the caller may see. Every dimension
 * and metric is checked against the policy first (FORBIDDEN naming the argument); the caller's row
 * filter and the request's filters are the WHERE; a customer's prefecture or segment is read only
 * where the caller may see that customer; groups are then suppressed against its minGroupSize.
 */
import { CustomerEntity, FeedbackEntity } from '../../data/entities/index.js';
import { withRows, type GuardedType } from '../../request/access.js';
import { BadUserInputError } from '../../request/errors.js';
import { Channel, Sentiment } from '../../schema/enums.js';
import type { FeedbackFilter } from '../../schema/inputs/feedback.input.js';
import { FeedbackStatsDimension, StatsInterval, type FeedbackStats, type FeedbackStatsKey } from '../../schema/types/stats.type.js';
import { breakdowns, distinctDimensions, shapeGroups, type AggregateRow } from '../aggregate-groups.js';
import { groupedTail, joinParts, rowCondition, runAggregate, type AggregateContext, type SqlPart } from '../aggregate-sql.js';
import { conditionsOf } from './feedback-query.js';

// The bucket expressions have planner statistics of their own (Migration20261206021000): change one
// here and the migration's copy with it, or PostgreSQL goes back to sorting every row to group them.
const TOKYO = `(f.received_at at time zone 'Asia/Tokyo')`;

interface Dimension {
  /** The grouped expression and the one selected (a date is grouped as a timestamp, shown as YYYY-MM-DD). */
  readonly group: string;
  readonly select?: string;
  readonly key: keyof FeedbackStatsKey;
  readonly reads: readonly [GuardedType, string];
  readonly from?: 'customer' | 'tags';
}

const bucket = (unit: string): Dimension => ({
  group: `date_trunc('${unit}', ${TOKYO})`,
  select: `to_char(date_trunc('${unit}', ${TOKYO}), 'YYYY-MM-DD')`,
  key: 'period',
  reads: ['Feedback', 'receivedAt'],
});

export const FEEDBACK_DIMENSIONS: Readonly<Record<FeedbackStatsDimension, Dimension>> = {
  DAY: bucket('day'),
  WEEK: bucket('week'),
  MONTH: bucket('month'),
  CHANNEL: { group: 'f.channel', key: 'channel', reads: ['Feedback', 'channel'] },
  SENTIMENT: { group: 'f.sentiment', key: 'sentiment', reads: ['Feedback', 'sentiment'] },
  STATUS: { group: 'f.status', key: 'status', reads: ['Feedback', 'status'] },
  TEAM: { group: 'f.team_id', key: 'teamId', reads: ['Feedback', 'teamId'] },
  TAG: { group: 't.tag', key: 'tag', reads: ['Feedback', 'tags'], from: 'tags' },
  PREFECTURE: { group: 'c.prefecture', key: 'prefecture', reads: ['Customer', 'prefecture'], from: 'customer' },
  SEGMENT: { group: 'c.segment', key: 'segment', reads: ['Customer', 'segment'], from: 'customer' },
};

const TIME = new Set<FeedbackStatsDimension>([FeedbackStatsDimension.DAY, FeedbackStatsDimension.WEEK, FeedbackStatsDimension.MONTH]);
const SENTIMENTS: Array<Sentiment | null> = [...Object.values(Sentiment), null];
const CHANNELS = Object.values(Channel);
/** The metrics every group carries, and the field each reads. */
const METRICS: ReadonlyArray<readonly [string, string]> = [['avgRating', 'rating'], ['bySentiment', 'sentiment'], ['byChannel', 'channel']];

export interface FeedbackStatsArgs {
  filter?: FeedbackFilter | null;
  groupBy?: FeedbackStatsDimension[] | null;
  interval?: StatsInterval | null;
  /** The group fields the operation selects; absent: all (every metric computed). */
  selected?: ReadonlySet<string>;
}

/** Which metric columns the statement computes: only those the operation selects. */
function metricsOf(selected: ReadonlySet<string> | undefined) {
  const wants = (f: string) => !selected || selected.has(f);
  return { rating: wants('avgRating') || wants('nps'), sentiment: wants('bySentiment'), channel: wants('byChannel') };
}

/** The dimensions in order: the interval first, then groupBy; one time bucket at most. */
function dimensionsOf(args: FeedbackStatsArgs): FeedbackStatsDimension[] {
  const named = [...(args.interval ? [args.interval as unknown as FeedbackStatsDimension] : []), ...(args.groupBy ?? [])];
  const dims = distinctDimensions('groupBy', named, 4);
  if (dims.filter((d) => TIME.has(d)).length > 1) throw new BadUserInputError(args.interval ? 'interval' : 'groupBy', 'one of DAY, WEEK or MONTH at a time');
  return dims;
}

/** The statement, after every policy check; `null` when the caller may see no feedback at all. */
export function feedbackStatsSql(ctx: AggregateContext, args: FeedbackStatsArgs, dims: readonly FeedbackStatsDimension[]): SqlPart | null {
  const { access, em } = ctx;
  for (const d of dims) access.assertCanGroup(FEEDBACK_DIMENSIONS[d].reads[0], FEEDBACK_DIMENSIONS[d].reads[1], `groupBy: ${d}`);
  for (const [argument, field] of METRICS) access.assertCanGroup('Feedback', field, argument);
  const conditions = conditionsOf(access, args.filter);
  // After the policy check: a search is an in-app scan over decrypted text, not a WHERE.
  if (args.filter?.text) throw new BadUserInputError('filter.text', 'aggregates cannot search text; filter by channel, status, sentiment, team, customer or date');
  const filtered = withRows(access, 'Feedback', conditions.length ? { $and: conditions } : {});
  if (filtered === null) return null;

  const defs = dims.map((d) => FEEDBACK_DIMENSIONS[d]);
  const metrics = metricsOf(args.selected);
  const select = [
    ...defs.map((d, i) => `${d.select ?? d.group} as k${i}`),
    'count(*)::int as n',
    ...(metrics.rating
      ? ['count(f.rating)::int as rated', 'avg(f.rating)::float8 as avg', 'count(*) filter (where f.rating >= 9)::int as promoters', 'count(*) filter (where f.rating <= 6)::int as detractors']
      : []),
    ...(metrics.sentiment ? SENTIMENTS.map((s) => (s ? `count(*) filter (where f.sentiment = '${s}')::int as "s_${s}"` : `count(*) filter (where f.sentiment is null)::int as "s_"`)) : []),
    ...(metrics.channel ? CHANNELS.map((c) => `count(*) filter (where f.channel = '${c}')::int as "c_${c}"`) : []),
  ];
  const parts: SqlPart[] = [{ sql: `select ${select.join(', ')} from feedback f`, params: [] }];
  if (defs.some((d) => d.from === 'customer')) {
    // A customer the caller may not see gives its feedback no prefecture or segment (the null group).
    const visible = rowCondition(em, CustomerEntity, 'c', access.rowWhere('Customer'));
    parts.push({ sql: `left join customer c on c.id = f.customer_id and ${visible.sql}`, params: visible.params });
  }
  if (defs.some((d) => d.from === 'tags')) parts.push({ sql: 'cross join lateral unnest(f.tags) as t(tag)', params: [] });
  const where = rowCondition(em, FeedbackEntity, 'f', filtered);
  parts.push(...groupedTail(where, defs.map((d) => d.group)));
  return joinParts(parts, ' ');
}

interface StatsRow extends AggregateRow {
  rated: number;
  avg: number | null;
  promoters: number;
  detractors: number;
  [column: string]: unknown;
}

export async function feedbackStats(ctx: AggregateContext, args: FeedbackStatsArgs): Promise<FeedbackStats> {
  const dims = dimensionsOf(args);
  const sql = feedbackStatsSql(ctx, args, dims);
  const min = ctx.access.minGroupSize;
  const rows = sql ? await runAggregate<StatsRow>(ctx.em, sql) : [];
  const groups = shapeGroups(rows, dims.length, min);
  const metrics = metricsOf(args.selected);
  const bySentiment = metrics.sentiment ? breakdowns(groups.map(({ row, keys }) => ({ keys, counts: SENTIMENTS.map((s) => [s, row[`s_${s ?? ''}`] as number] as const) })), min) : null;
  const byChannel = metrics.channel ? breakdowns(groups.map(({ row, keys }) => ({ keys, counts: CHANNELS.map((c) => [c, row[`c_${c}`] as number] as const) })), min) : null;
  let aggregated = 0;
  const out = groups.map(({ row, keys, suppressed }, i) => {
    const key: FeedbackStatsKey = { period: null, channel: null, sentiment: null, status: null, teamId: null, tag: null, prefecture: null, segment: null };
    dims.forEach((d, i) => Object.assign(key, { [FEEDBACK_DIMENSIONS[d].key]: keys[i] }));
    if (suppressed) return { key, suppressed, count: null, avgRating: null, nps: null, bySentiment: null, byChannel: null };
    aggregated += row.n;
    // A mean or score of fewer ratings than the minimum would single those ratings out.
    const rated = metrics.rating && row.rated >= min && row.rated > 0;
    return {
      key,
      suppressed,
      count: row.n,
      avgRating: rated ? row.avg : null,
      nps: rated ? (100 * (row.promoters - row.detractors)) / row.rated : null,
      bySentiment: bySentiment ? bySentiment[i]!.map(({ value, ...c }) => ({ sentiment: value, ...c })) : null,
      byChannel: byChannel ? byChannel[i]!.map(({ value, ...c }) => ({ channel: value, ...c })) : null,
    };
  });
  // The audit event counts, per field read, the records behind the numbers shown: AGGREGATED, not
  // PLAIN, so the PLAIN-read rate limit, alerts and incident reports never take them for records read.
  const read = METRICS.filter(([argument]) => (argument === 'avgRating' ? metrics.rating : argument === 'bySentiment' ? metrics.sentiment : metrics.channel));
  const fields = new Set([...dims.map((d) => FEEDBACK_DIMENSIONS[d].reads.join('.')), ...read.map(([, f]) => `Feedback.${f}`)]);
  if (aggregated > 0) for (const f of fields) ctx.decisions.count(f, 'AGGREGATED', aggregated);
  return { groups: out, minGroupSize: min, suppressedGroups: groups.filter((g) => g.suppressed).length };
}
