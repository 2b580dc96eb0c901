/**
 * The aggregate tables of `koe bi sync`: each is one `feedbackStats` / `customerStats` call made
 * for the BI role, by the GraphQL path's own functions (statement, row conditions, policy checks,
 * small-group and complementary suppression), so a BI tool reads in SQL exactly the groups, hidden
 * groups and numbers the role gets through the gateway. A grouping the role may not use (FORBIDDEN
 * through GraphQL) has no table.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BiAggregate, BiAggregateColumn, BiAggregateSet, BiAggregateSource } from '../data/bi/index.js';
import type { FieldCrypto } from '../data/encryption/index.js';
import type { KoeAbility, PolicySet } from '../policies/index.js';
import { DecisionCounter } from '../request/decision-counter.js';
import { ForbiddenError } from '../request/errors.js';
import { customerStats } from '../resolvers/customers/customer-stats.js';
import { feedbackStats } from '../resolvers/feedback/feedback-stats.js';
import type { AggregateContext } from '../resolvers/aggregate-sql.js';
import { PolicyAccess } from '../resolvers/policy-access.js';
import { Sentiment } from '../schema/enums.js';
import { CustomerStatsDimension as C, FeedbackStatsDimension as F, StatsInterval, type CustomerStatsKey, type FeedbackStatsKey } from '../schema/types/stats.type.js';

type Key = keyof FeedbackStatsKey | keyof CustomerStatsKey;

/** The SQL column of each key the GraphQL answer has. */
const KEY_COLUMNS: Readonly<Record<Key, BiAggregateColumn>> = {
  period: { column: 'period', sqlType: 'date' },
  channel: { column: 'channel', sqlType: 'text' },
  sentiment: { column: 'sentiment', sqlType: 'text' },
  status: { column: 'status', sqlType: 'text' },
  teamId: { column: 'team_id', sqlType: 'text' },
  tag: { column: 'tag', sqlType: 'text' },
  prefecture: { column: 'prefecture', sqlType: 'text' },
  segment: { column: 'segment', sqlType: 'text' },
  ageBand: { column: 'age_band', sqlType: 'text' },
  consentedPurpose: { column: 'consented_purpose', sqlType: 'text' },
};

const SENTIMENT_COLUMNS: ReadonlyArray<readonly [Sentiment | null, string]> = [
  [Sentiment.POSITIVE, 'positive'],
  [Sentiment.NEUTRAL, 'neutral'],
  [Sentiment.NEGATIVE, 'negative'],
  [null, 'unclassified'],
];

interface FeedbackAggregate {
  readonly name: string;
  readonly interval?: StatsInterval;
  readonly groupBy: readonly F[];
  readonly keys: ReadonlyArray<keyof FeedbackStatsKey>;
}
interface CustomerAggregate {
  readonly name: string;
  readonly groupBy: readonly C[];
  readonly keys: ReadonlyArray<keyof CustomerStatsKey>;
}

export const BI_FEEDBACK_AGGREGATES: readonly FeedbackAggregate[] = [
  { name: 'feedback_by_week', interval: StatsInterval.WEEK, groupBy: [], keys: ['period'] },
  { name: 'feedback_by_month', interval: StatsInterval.MONTH, groupBy: [], keys: ['period'] },
  { name: 'feedback_by_channel', groupBy: [F.CHANNEL], keys: ['channel'] },
  { name: 'feedback_by_week_channel', interval: StatsInterval.WEEK, groupBy: [F.CHANNEL], keys: ['period', 'channel'] },
];

export const BI_CUSTOMER_AGGREGATES: readonly CustomerAggregate[] = [
  { name: 'customers_by_prefecture', groupBy: [C.PREFECTURE], keys: ['prefecture'] },
  { name: 'customers_by_segment', groupBy: [C.SEGMENT], keys: ['segment'] },
  { name: 'customers_by_prefecture_segment', groupBy: [C.PREFECTURE, C.SEGMENT], keys: ['prefecture', 'segment'] },
  { name: 'customers_by_age_band', groupBy: [C.AGE_BAND], keys: ['ageBand'] },
];

const SUPPRESSED: BiAggregateColumn = { column: 'suppressed', sqlType: 'boolean not null' };
const COUNT: BiAggregateColumn = { column: 'count', sqlType: 'integer' };
const FEEDBACK_METRICS: readonly BiAggregateColumn[] = [
  { column: 'avg_rating', sqlType: 'float8' },
  { column: 'nps', sqlType: 'float8' },
  ...SENTIMENT_COLUMNS.map(([, column]) => ({ column, sqlType: 'integer' })),
];
/** The group fields read: the channel breakdown is left out (a table by channel has it as groups). */
const FEEDBACK_SELECTED = new Set(['key', 'suppressed', 'count', 'avgRating', 'nps', 'bySentiment']);

/** A grouping the role may not use is FORBIDDEN through GraphQL: here, no table. */
async function unlessForbidden<T>(run: () => Promise<T>): Promise<T | null> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof ForbiddenError) return null;
    throw e;
  }
}

function keyValues<K extends Key>(keys: readonly K[], key: Record<K, unknown>): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [KEY_COLUMNS[k].column, key[k]]));
}

async function feedbackAggregate(ctx: AggregateContext, a: FeedbackAggregate): Promise<BiAggregate> {
  const stats = await unlessForbidden(() => feedbackStats(ctx, { interval: a.interval ?? null, groupBy: [...a.groupBy], selected: FEEDBACK_SELECTED }));
  const rows = stats?.groups.map((g) => {
    // A sentiment missing from a visible group's breakdown had no items (GROUP BY leaves out empty cells).
    const bySentiment = new Map(g.bySentiment?.map((s) => [s.sentiment, s.count]) ?? []);
    return {
      ...keyValues(a.keys, g.key),
      suppressed: g.suppressed,
      count: g.count,
      avg_rating: g.avgRating,
      nps: g.nps,
      ...Object.fromEntries(SENTIMENT_COLUMNS.map(([s, column]) => [column, g.suppressed ? null : bySentiment.has(s) ? bySentiment.get(s) : 0])),
    };
  });
  const by = [a.interval, ...a.groupBy].filter(Boolean).join(' × ');
  return { name: a.name, comment: `feedbackStats by ${by}`, columns: [...a.keys.map((k) => KEY_COLUMNS[k]), SUPPRESSED, COUNT, ...FEEDBACK_METRICS], rows: rows ?? null };
}

async function customerAggregate(ctx: AggregateContext, a: CustomerAggregate): Promise<BiAggregate> {
  const stats = await unlessForbidden(() => customerStats(ctx, { groupBy: [...a.groupBy] }));
  const rows = stats?.groups.map((g) => ({ ...keyValues(a.keys, g.key), suppressed: g.suppressed, count: g.count }));
  return { name: a.name, comment: `customerStats by ${a.groupBy.join(' × ')}`, columns: [...a.keys.map((k) => KEY_COLUMNS[k]), SUPPRESSED, COUNT], rows: rows ?? null };
}

/** The aggregates for the ability `biPlan` built for the BI role (the tables' principal). */
export function biAggregateSource(policy: PolicySet, crypto: FieldCrypto): BiAggregateSource {
  return {
    names: [...BI_FEEDBACK_AGGREGATES, ...BI_CUSTOMER_AGGREGATES].map((a) => a.name),
    async compute(tx: EntityManager, ability: KoeAbility): Promise<BiAggregateSet> {
      const ctx: AggregateContext = { em: tx, access: new PolicyAccess(ability, policy), decisions: new DecisionCounter(), crypto };
      const aggregates: BiAggregate[] = [];
      for (const a of BI_FEEDBACK_AGGREGATES) aggregates.push(await feedbackAggregate(ctx, a));
      for (const a of BI_CUSTOMER_AGGREGATES) aggregates.push(await customerAggregate(ctx, a));
      const decisions: Record<string, Record<string, number>> = {};
      for (const { field, decision, count } of ctx.decisions.entries()) (decisions[field] ??= {})[decision] = count;
      return { aggregates, decisions };
    },
  };
}
