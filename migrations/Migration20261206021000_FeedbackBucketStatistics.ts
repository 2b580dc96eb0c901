import { Migration } from '@mikro-orm/migrations';

/**
 * Planner statistics for the time buckets `feedbackStats` groups by (src/resolvers/feedback/feedback-stats.ts):
 * without them PostgreSQL guesses a week × channel breakdown of 100,000 items has about as many groups as
 * rows, and, once a row condition (a use restriction) also halves its row guess, sorts every row to disk
 * and groups the sorted run instead of hashing 162 groups in parallel workers: 0.8 s instead of 0.5 s,
 * most of the gap to a hand-written GROUP BY. The expressions must stay exactly the statement's.
 * One object per bucket (expression statistics only): a multi-column ndistinct object over the buckets
 * and the grouped columns made ANALYZE of the table ten times slower for no better plan.
 */
const TOKYO = `("received_at" at time zone 'Asia/Tokyo')`;
const BUCKETS = ['day', 'week', 'month'] as const;

export class Migration20261206021000_FeedbackBucketStatistics extends Migration {
  override async up(): Promise<void> {
    for (const unit of BUCKETS) this.addSql(`create statistics "feedback_${unit}_stats" on (date_trunc('${unit}', ${TOKYO})) from "feedback";`);
    this.addSql(`analyze "feedback";`);
  }

  override async down(): Promise<void> {
    for (const unit of BUCKETS) this.addSql(`drop statistics if exists "feedback_${unit}_stats";`);
  }
}
