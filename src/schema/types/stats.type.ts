/**
 * Aggregates under the policy (`feedbackStats`, `customerStats`). A group smaller than the
 * caller's `minGroupSize`, or hidden so that no small group can be worked out by subtraction,
 * comes back with `suppressed: true` and every number null. See docs/analytics.md.
 */
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Channel, FeedbackStatus, Sentiment } from '../enums.js';

export enum FeedbackStatsDimension {
  DAY = 'DAY', WEEK = 'WEEK', MONTH = 'MONTH', CHANNEL = 'CHANNEL', SENTIMENT = 'SENTIMENT', STATUS = 'STATUS',
  TEAM = 'TEAM', TAG = 'TAG', PREFECTURE = 'PREFECTURE', SEGMENT = 'SEGMENT',
}
export enum StatsInterval { DAY = 'DAY', WEEK = 'WEEK', MONTH = 'MONTH' }
export enum CustomerStatsDimension { PREFECTURE = 'PREFECTURE', SEGMENT = 'SEGMENT', TEAM = 'TEAM', AGE_BAND = 'AGE_BAND', CONSENTED_PURPOSE = 'CONSENTED_PURPOSE' }

registerEnumType(FeedbackStatsDimension, {
  name: 'FeedbackStatsDimension',
  description:
    'DAY, WEEK (from Monday) and MONTH of receivedAt in Asia/Tokyo; TAG counts an item once per tag; PREFECTURE and SEGMENT are the customer\'s (null when there is none or the caller may not see the customer).',
});
registerEnumType(StatsInterval, { name: 'StatsInterval', description: 'A time bucket of receivedAt in Asia/Tokyo; the same as naming it in groupBy.' });
registerEnumType(CustomerStatsDimension, {
  name: 'CustomerStatsDimension',
  description: 'CONSENTED_PURPOSE counts a customer once per purpose consented to now (null: none); AGE_BAND is the age reached this year (Asia/Tokyo) in 10-year bands 0-19, 20-29 … 60-69, 70+ (null: no birth date known).',
});

@ObjectType({ description: 'Feedback items of one group with a sentiment (null: not yet classified).' })
export class SentimentCount {
  @Field(() => Sentiment, { nullable: true })
  sentiment!: Sentiment | null;

  @Field(() => Int, { nullable: true })
  count!: number | null;

  @Field(() => Boolean)
  suppressed!: boolean;
}

@ObjectType({ description: 'Feedback items of one group from one channel.' })
export class ChannelCount {
  @Field(() => Channel)
  channel!: Channel;

  @Field(() => Int, { nullable: true })
  count!: number | null;

  @Field(() => Boolean)
  suppressed!: boolean;
}

@ObjectType({ description: 'The values a feedback group shares; null for a dimension not grouped by, or a missing value.' })
export class FeedbackStatsKey {
  @Field(() => String, { nullable: true, description: 'First day of the DAY, WEEK or MONTH (YYYY-MM-DD, Asia/Tokyo).' })
  period!: string | null;

  @Field(() => Channel, { nullable: true })
  channel!: Channel | null;

  @Field(() => Sentiment, { nullable: true })
  sentiment!: Sentiment | null;

  @Field(() => FeedbackStatus, { nullable: true })
  status!: FeedbackStatus | null;

  @Field(() => ID, { nullable: true })
  teamId!: string | null;

  @Field(() => String, { nullable: true })
  tag!: string | null;

  @Field(() => String, { nullable: true })
  prefecture!: string | null;

  @Field(() => String, { nullable: true })
  segment!: string | null;
}

@ObjectType()
export class FeedbackStatsGroup {
  @Field(() => FeedbackStatsKey)
  key!: FeedbackStatsKey;

  @Field(() => Boolean, { description: 'Hidden: too small, or hidden so that no small group follows from a total by subtraction.' })
  suppressed!: boolean;

  @Field(() => Int, { nullable: true })
  count!: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean rating (0–10) of the rated items; null when fewer than minGroupSize were rated.' })
  avgRating!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Net Promoter Score, -100..100: percentage of ratings 9–10 minus percentage of 0–6, over the rated items; null when fewer than minGroupSize were rated.',
  })
  nps!: number | null;

  @Field(() => [SentimentCount], { nullable: true, description: 'The group by sentiment, suppressed like groups; null when the group is.' })
  bySentiment!: SentimentCount[] | null;

  @Field(() => [ChannelCount], { nullable: true, description: 'The group by channel, suppressed like groups; null when the group is.' })
  byChannel!: ChannelCount[] | null;
}

@ObjectType({ description: 'Groups of the feedback the caller may see; no grand total, so none can be differenced.' })
export class FeedbackStats {
  @Field(() => [FeedbackStatsGroup])
  groups!: FeedbackStatsGroup[];

  @Field(() => Int, { description: 'The smallest group the caller may see counted (its roles\' minGroupSize).' })
  minGroupSize!: number;

  @Field(() => Int)
  suppressedGroups!: number;
}

@ObjectType({ description: 'The values a customer group shares; null for a dimension not grouped by, or a missing value.' })
export class CustomerStatsKey {
  @Field(() => String, { nullable: true })
  prefecture!: string | null;

  @Field(() => String, { nullable: true })
  segment!: string | null;

  @Field(() => ID, { nullable: true })
  teamId!: string | null;

  @Field(() => String, { nullable: true, description: 'With AGE_BAND: 0-19, 20-29 … 60-69 or 70+ (null: no birth date known).' })
  ageBand!: string | null;

  @Field(() => String, { nullable: true })
  consentedPurpose!: string | null;
}

@ObjectType()
export class CustomerStatsGroup {
  @Field(() => CustomerStatsKey)
  key!: CustomerStatsKey;

  @Field(() => Boolean)
  suppressed!: boolean;

  @Field(() => Int, { nullable: true })
  count!: number | null;
}

@ObjectType({ description: 'Groups of the customers the caller may see; no grand total, so none can be differenced.' })
export class CustomerStats {
  @Field(() => [CustomerStatsGroup])
  groups!: CustomerStatsGroup[];

  @Field(() => Int)
  minGroupSize!: number;

  @Field(() => Int)
  suppressedGroups!: number;
}
