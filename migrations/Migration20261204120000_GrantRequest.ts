import { Migration } from '@mikro-orm/migrations';

/**
 * Grants of privileged roles wait here for a second admin (src/auth/grant-request.ts). At most
 * one pending request per principal and role; decided rows stay as the record of the decision.
 */
export class Migration20261204120000_GrantRequest extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "grant_request" (
      "id" uuid not null primary key,
      "principal_id" varchar(128) not null references "principal" ("id"),
      "role" varchar(64) not null,
      "requested_by" varchar(128) not null,
      "requested_at" timestamptz not null,
      "expires_at" timestamptz not null,
      "status" varchar(16) not null default 'pending'
        check ("status" in ('pending', 'approved', 'rejected', 'cancelled', 'expired')),
      "decided_by" varchar(128) null,
      "decided_at" timestamptz null,
      "reason" text null,
      check ("expires_at" > "requested_at"),
      check (("status" = 'pending') = ("decided_at" is null)));`);
    this.addSql(`create unique index "grant_request_one_pending" on "grant_request" ("principal_id", "role") where "status" = 'pending';`);
    this.addSql(`create index "grant_request_principal_id_index" on "grant_request" ("principal_id");`);
    this.addSql(`create index "grant_request_requested_at_index" on "grant_request" ("requested_at");`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "grant_request";');
  }
}
