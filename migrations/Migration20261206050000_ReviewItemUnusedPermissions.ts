import { Migration } from '@mikro-orm/migrations';

/**
 * A periodic review keeps, per principal, the unused permissions found when it started (issue 19
 * §2), beside the flags it snapshots: the signed-off review then shows what the reviewer saw, not
 * what the trail says later. `reason` is why the review was started. Both null on older reviews.
 */
export class Migration20261206050000_ReviewItemUnusedPermissions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "access_review_item" add column "unused_permissions" jsonb null;`);
    this.addSql(`alter table "access_review" add column "reason" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "access_review_item" drop column if exists "unused_permissions";`);
    this.addSql(`alter table "access_review" drop column if exists "reason";`);
  }
}
