import { Migration } from '@mikro-orm/migrations';

/**
 * Retention and disposal (issue 7): when `koe lifecycle run` scrubbed a feedback's text or
 * anonymised a purchase, so a rerun finds nothing left to do. Partial indexes keep "what is due"
 * cheap: they hold only the rows not yet disposed of.
 */
export class Migration20261128192000_Lifecycle extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "feedback" add column "scrubbed_at" timestamptz null;`);
    this.addSql(`alter table "purchase" add column "anonymised_at" timestamptz null;`);
    this.addSql(`create index "feedback_lifecycle_due_index" on "feedback" ("received_at") where "scrubbed_at" is null;`);
    this.addSql(`create index "purchase_lifecycle_due_index" on "purchase" ("ordered_at") where "anonymised_at" is null;`);
    this.addSql(`create index "customer_lifecycle_due_index" on "customer" ("last_activity_at") where "erased_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "customer_lifecycle_due_index";`);
    this.addSql(`drop index "purchase_lifecycle_due_index";`);
    this.addSql(`drop index "feedback_lifecycle_due_index";`);
    this.addSql(`alter table "purchase" drop column "anonymised_at";`);
    this.addSql(`alter table "feedback" drop column "scrubbed_at";`);
  }

}
