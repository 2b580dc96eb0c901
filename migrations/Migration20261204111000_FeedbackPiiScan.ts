import { Migration } from '@mikro-orm/migrations';

/**
 * When a feedback row's `pii_flags` were computed from its text. Rows stored before intake
 * detection (or before the subject counted as personal data) have none: `koe migrate` back-fills
 * their flags in batches, opening subject and body with the owner's key (see
 * src/data/pii-flags-backfill.ts), and stamps each row, so a rerun resumes where it stopped. An
 * empty `pii_flags` alone cannot say "nothing found" from "never looked". The partial index keeps
 * finding the rows still to scan cheap however large the table.
 */
export class Migration20261204111000_FeedbackPiiScan extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "feedback" add column "pii_scanned_at" timestamptz null;`);
    this.addSql(`create index "feedback_pii_unscanned_idx" on "feedback" ("id") where "pii_scanned_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "feedback_pii_unscanned_idx";`);
    this.addSql(`alter table "feedback" drop column if exists "pii_scanned_at";`);
  }
}
