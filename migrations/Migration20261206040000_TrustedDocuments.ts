import { Migration } from '@mikro-orm/migrations';

/**
 * Trusted documents (docs/trusted-documents.md): the operations a client (a dashboard, a BI tool)
 * published with `koe documents publish`, by their sha256. A request may send the hash instead of
 * the text, and a role the policy locks to trusted documents may send nothing else. Revoking keeps
 * the row (who published what, under which policy, stays answerable) and stamps it.
 */
export class Migration20261206040000_TrustedDocuments extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "trusted_document" (
      "client" varchar(64) not null,
      "hash" char(64) not null,
      "body" text not null,
      "published_by" varchar(255) not null,
      "published_at" timestamptz not null default now(),
      "policy_version" varchar(128) not null,
      "revoked_by" varchar(255) null,
      "revoked_at" timestamptz null,
      constraint "trusted_document_pkey" primary key ("client", "hash"),
      constraint "trusted_document_hash_hex" check ("hash" ~ '^[0-9a-f]{64}$'));`);
    // The gateway looks documents up by hash alone (any client's, then checks the caller's lock).
    this.addSql(`create index "trusted_document_live_hash_idx" on "trusted_document" ("hash") where "revoked_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "trusted_document";`);
  }
}
