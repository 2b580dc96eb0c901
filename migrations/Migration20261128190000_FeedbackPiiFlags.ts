import { Migration } from '@mikro-orm/migrations';

/**
 * The kinds of personal data found in a feedback body at intake (EMAIL, PHONE …), stored in plain
 * beside the encrypted body so analysts can filter on them. Existing rows keep `{}`: their bodies
 * are ciphertext a SQL migration cannot read.
 */
export class Migration20261128190000_FeedbackPiiFlags extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "feedback" add column "pii_flags" text[] not null default '{}';`);
    this.addSql(`create index "feedback_pii_flags_index" on "feedback" using gin ("pii_flags");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "feedback_pii_flags_index";`);
    this.addSql(`alter table "feedback" drop column if exists "pii_flags";`);
  }

}
