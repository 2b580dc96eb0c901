import { Migration } from '@mikro-orm/migrations';

export class Migration20261128161000_Access extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "api_key" ("id" uuid not null, "principal_id" varchar(128) not null, "name" varchar(128) not null, "prefix" varchar(8) not null, "hash" varchar(64) not null, "created_by" varchar(128) null, "created_at" timestamptz not null, "expires_at" timestamptz null, "revoked_at" timestamptz null, "last_used_at" timestamptz null, constraint "api_key_pkey" primary key ("id"));`);
    this.addSql(`create index "api_key_principal_id_index" on "api_key" ("principal_id");`);
    this.addSql(`alter table "api_key" add constraint "api_key_prefix_unique" unique ("prefix");`);
    this.addSql(`alter table "api_key" add constraint "api_key_principal_id_name_unique" unique ("principal_id", "name");`);
    this.addSql(`alter table "principal" add column "role_grants" jsonb not null default '[]', add column "reviewed_at" timestamptz null, add column "reviewed_by" varchar(128) null;`);
    // Roles held before grants were recorded: granter unknown, granted no later than the principal's creation.
    this.addSql(`update "principal" set "role_grants" = (select coalesce(jsonb_agg(jsonb_build_object('role', r, 'grantedBy', null, 'grantedAt', to_char("created_at" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))), '[]'::jsonb) from unnest("roles") as r);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "api_key" cascade;`);
    this.addSql(`alter table "principal" drop column "role_grants", drop column "reviewed_at", drop column "reviewed_by";`);
  }

}
