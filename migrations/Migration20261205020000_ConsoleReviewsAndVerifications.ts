import { Migration } from '@mikro-orm/migrations';

/**
 * The periodic access review as a record (src/auth/periodic-review.ts): a review snapshots the
 * flagged principals when it starts, collects one decision per principal, and is signed off once
 * every decision is in, which applies them. At most one review is open at a time. And the runs of
 * the audit chain verification started from the API (src/audit/verification-run.ts), with their
 * progress while they run and their result after.
 */
export class Migration20261205020000_ConsoleReviewsAndVerifications extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "access_review" (
      "id" uuid not null primary key,
      "started_by" varchar(128) not null,
      "started_at" timestamptz not null,
      "unused_days" int not null,
      "review_days" int not null,
      "status" varchar(16) not null default 'open' check ("status" in ('open', 'signed_off')),
      "signed_off_by" varchar(128) null,
      "signed_off_at" timestamptz null,
      check (("status" = 'open') = ("signed_off_at" is null)));`);
    this.addSql(`create unique index "access_review_one_open" on "access_review" ((true)) where "status" = 'open';`);
    this.addSql(`create index "access_review_started_at_index" on "access_review" ("started_at", "id");`);
    this.addSql(`create table "access_review_item" (
      "review_id" uuid not null references "access_review" ("id"),
      "principal_id" varchar(128) not null,
      "display_name" varchar(255) not null,
      "status" varchar(32) not null,
      "roles" text[] not null,
      "flags" text[] not null,
      "decision" varchar(160) null,
      "reason" text null,
      "decided_by" varchar(128) null,
      "decided_at" timestamptz null,
      primary key ("review_id", "principal_id"));`);
    this.addSql(`create table "audit_verification" (
      "id" uuid not null primary key,
      "started_by" varchar(128) not null,
      "started_at" timestamptz not null,
      "finished_at" timestamptz null,
      "status" varchar(16) not null default 'running' check ("status" in ('running', 'ok', 'broken', 'failed')),
      "done" bigint not null default 0,
      "total" bigint not null default 0,
      "first_seq" bigint null,
      "last_seq" bigint null,
      "problem_seq" bigint null,
      "problem_kind" varchar(32) null,
      "problem_message" text null);`);
    this.addSql(`create index "audit_verification_started_at_index" on "audit_verification" ("started_at", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "audit_verification";');
    this.addSql('drop table if exists "access_review_item";');
    this.addSql('drop table if exists "access_review";');
  }
}
