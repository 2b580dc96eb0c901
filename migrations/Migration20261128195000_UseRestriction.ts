import { Migration } from '@mikro-orm/migrations';

/**
 * Cessation of use (APPI Art. 35): one row per customer and purpose the DPO restricted. A request
 * declaring a restricted purpose sees neither the customer nor their feedback, purchases or
 * consents (src/policies/ability/use-restriction.ts). Rows go with the customer row only.
 */
export class Migration20261128195000_UseRestriction extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "use_restriction" (
      "customer_id" uuid not null references "customer" ("id") on delete cascade,
      "purpose" varchar(64) not null,
      "restricted_at" timestamptz not null,
      "reason" text not null,
      "restricted_by" text not null,
      primary key ("customer_id", "purpose"));`);
    // The row filter asks "is this customer restricted for P" per row: the primary key answers it.
    this.addSql(`create index "use_restriction_purpose_idx" on "use_restriction" ("purpose");`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "use_restriction";');
  }
}
