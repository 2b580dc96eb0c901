import { Migration } from '@mikro-orm/migrations';

/**
 * Counters of the suspicious-access alerts (src/audit/alerts), shared by every instance: one row
 * per (rule, subject, time bucket, distinct item) — a customer read, a refused request id, an
 * address. A window's count is the distinct items over its buckets; an `!alerted` item in the
 * window's first bucket makes one instance, not each, raise the alert.
 */
export class Migration20261128170000_AuditAlerts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "audit_alert_mark" (
      "rule" text not null,
      "subject" text not null,
      "bucket" bigint not null,
      "item" text not null,
      "at" timestamptz not null default now(),
      constraint "audit_alert_mark_pkey" primary key ("rule", "subject", "bucket", "item"));`);
    this.addSql(`create index "audit_alert_mark_at_index" on "audit_alert_mark" ("at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "audit_alert_mark";`);
  }
}
