import { Migration } from '@mikro-orm/migrations';

/**
 * Third-party provision records (APPI Art. 29–30 and Rules Art. 19–21): one row per provision,
 * with the recipient as it was at the time, the data items given, the consent relied on and the
 * customers concerned (child table, indexed by customer for "records about one customer").
 *
 * Records are kept at least 3 years: `koe_provision_retained()` refuses UPDATE always and DELETE
 * while `keep_until` (provided_at + 3 years) lies in the future, for the app role and the owner
 * alike; TRUNCATE is refused outright. A record past `keep_until` may be deleted (its customers go
 * with it by cascade).
 */
export class Migration20261128193000_Provision extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "provision_record" (
      "id" uuid not null primary key,
      "provided_at" timestamptz not null,
      "recipient_id" varchar(64) not null,
      "recipient_name" text not null,
      "recipient_address" text not null,
      "recipient_country" char(2) not null,
      "purpose" varchar(64) not null,
      "consent_purpose" varchar(64) not null,
      "data_items" text[] not null,
      "customer_count" int not null,
      "record_count" int not null,
      "excluded_count" int not null,
      "actor_id" varchar(128) not null,
      "via" varchar(16) not null,
      "keep_until" timestamptz not null,
      constraint "provision_record_keep_3y" check ("keep_until" >= "provided_at" + interval '3 years'));`);
    this.addSql(`create index "provision_record_recipient_idx" on "provision_record" ("recipient_id", "provided_at");`);
    this.addSql(`create index "provision_record_provided_idx" on "provision_record" ("provided_at", "id");`);
    this.addSql(`create table "provision_customer" (
      "provision_id" uuid not null references "provision_record" ("id") on delete cascade,
      "customer_id" uuid not null,
      primary key ("provision_id", "customer_id"));`);
    this.addSql(`create index "provision_customer_customer_idx" on "provision_customer" ("customer_id");`);

    this.addSql(`create or replace function koe_provision_retained() returns trigger language plpgsql as $fn$
declare
  until timestamptz;
begin
  if tg_op = 'DELETE' then
    if tg_table_name = 'provision_record' then
      until := old.keep_until;
    else
      select keep_until into until from provision_record where id = old.provision_id;
    end if;
    if until is null or until <= now() then
      return old;
    end if;
  end if;
  raise exception 'koe: % is kept until its retention ends (APPI Art. 30): % refused', tg_table_name, tg_op
    using errcode = 'insufficient_privilege',
          hint = 'a provision record may be deleted only after keep_until';
end
$fn$;`);
    for (const table of ['provision_record', 'provision_customer']) {
      this.addSql(`create trigger "${table}_retained" before update or delete on "${table}" for each row execute function koe_provision_retained();`);
      this.addSql(`create trigger "${table}_no_truncate" before truncate on "${table}" for each statement execute function koe_provision_retained();`);
    }
  }

  override async down(): Promise<void> {
    for (const table of ['provision_customer', 'provision_record']) {
      this.addSql(`drop trigger if exists "${table}_retained" on "${table}";`);
      this.addSql(`drop trigger if exists "${table}_no_truncate" on "${table}";`);
    }
    this.addSql(`drop function if exists koe_provision_retained();`);
    this.addSql(`drop table if exists "provision_customer";`);
    this.addSql(`drop table if exists "provision_record";`);
  }
}
