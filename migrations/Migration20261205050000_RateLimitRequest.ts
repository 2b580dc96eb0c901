import { Migration } from '@mikro-orm/migrations';

/**
 * The request ids each subgraph has counted for the rate limit, per principal: behind a router
 * that is not Koe's gateway (no counted-proof) the hops of one client request share its id and
 * are counted once (src/server/limits/rate-limit.store.ts). Rows live a few minutes.
 */
export class Migration20261205050000_RateLimitRequest extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "rate_limit_request" ("principal_id" text not null, "request_id" text not null, "subgraph" text not null, "seen_at" timestamptz not null default now(), constraint "rate_limit_request_pkey" primary key ("principal_id", "request_id", "subgraph"));`);
    this.addSql(`create index "rate_limit_request_seen_at_index" on "rate_limit_request" ("seen_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "rate_limit_request";`);
  }

}
