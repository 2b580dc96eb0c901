import { Migration } from '@mikro-orm/migrations';

/**
 * Newest-first pages sort `desc nulls last`, which a backward scan of an ascending index cannot
 * give (it yields `desc nulls first`): without these, every page sorts the whole table.
 */
export class Migration20261128196000_DescendingPageIndexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "feedback_received_at_desc_id_index" on "feedback" ("received_at" desc nulls last, "id" desc);`);
    this.addSql(`create index "feedback_rating_desc_id_index" on "feedback" ("rating" desc nulls last, "id" desc);`);
    this.addSql(`create index "customer_created_at_desc_id_index" on "customer" ("created_at" desc nulls last, "id" desc);`);
    this.addSql(`create index "customer_prefecture_desc_id_index" on "customer" ("prefecture" desc nulls last, "id" desc);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists "feedback_received_at_desc_id_index";');
    this.addSql('drop index if exists "feedback_rating_desc_id_index";');
    this.addSql('drop index if exists "customer_created_at_desc_id_index";');
    this.addSql('drop index if exists "customer_prefecture_desc_id_index";');
  }
}
