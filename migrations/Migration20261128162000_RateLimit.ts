import { Migration } from '@mikro-orm/migrations';

/** Per-principal request and PLAIN-read counters, one row per principal and minute (fixed windows). */
export class Migration20261128162000_RateLimit extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "rate_limit_window" ("principal_id" text not null, "window_start" timestamptz not null, "requests" int not null default 0, "plain_reads" int not null default 0, constraint "rate_limit_window_pkey" primary key ("principal_id", "window_start"));`);
    this.addSql(`create index "rate_limit_window_start_index" on "rate_limit_window" ("window_start");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "rate_limit_window";`);
  }

}
