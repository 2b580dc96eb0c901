import { Migration } from '@mikro-orm/migrations';

/**
 * Each policy version's content, written once when a server or the CLI first runs under it (issue 19):
 * the trail keeps only a version's hash, so without this the evidence pack cannot show what changed
 * between the versions in force in a period. `matrix` is the role × `@pii` field table compiled at
 * that time (the same function as `koe policy matrix`); `git_commit` is null outside a git checkout.
 */
export class Migration20261206060000_PolicyVersionRecord extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "policy_version_record" (
      "version" text primary key,
      "files" jsonb not null,
      "matrix" jsonb not null,
      "first_seen_at" timestamptz not null default now(),
      "git_commit" text null
    );`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "policy_version_record";`);
  }
}
