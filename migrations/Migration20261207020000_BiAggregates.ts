import { Migration } from '@mikro-orm/migrations';

/**
 * The watermark of a BI schema's aggregate tables (docs/bi.md, "Aggregates"): the outbox position
 * their counts were computed at. A sync recomputes them when the tables moved past it (any change
 * applied, a rebuild), so a run with nothing to apply costs no GROUP BY, and a run that stopped
 * between the tables and the aggregates recomputes them on the next one.
 */
export class Migration20261207020000_BiAggregates extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "bi_sync_state" add column "aggregates_seq" bigint null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "bi_sync_state" drop column if exists "aggregates_seq";`);
  }
}
