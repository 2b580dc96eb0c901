import { Migration } from '@mikro-orm/migrations';

/**
 * The change feed of `koe bi sync` (docs/bi.md): triggers on every table a BI schema is built from
 * append one row per changed record to `bi_change`, whatever wrote it (resolvers, CLI, seeds, raw
 * SQL), deletes included, which change timestamps could not see. `bi_sync_state` holds each BI
 * schema's watermark (the last change applied) and the policy version it was built under.
 */
export class Migration20261205070000_BiOutbox extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "bi_change" (
      "seq" bigserial primary key,
      "tbl" varchar(32) not null,
      "row_id" uuid null,
      "customer_id" uuid null,
      "changed_at" timestamptz not null default now());`);
    this.addSql(`create table "bi_sync_state" (
      "schema_name" varchar(63) primary key,
      "role" varchar(64) not null,
      "policy_version" varchar(128) null,
      "last_seq" bigint not null default 0,
      "rebuild_phase" varchar(16) null,
      "rebuild_after" varchar(64) null,
      "synced_at" timestamptz null);`);
    // Feedback and purchases change alone; anything about a customer (their row, consents,
    // restrictions) may change what the role sees of every row of theirs, so it names the person.
    this.addSql(`create or replace function koe_bi_change() returns trigger language plpgsql as $$
declare r record;
begin
  -- No BI schema: nothing would ever read (or prune) the entries.
  if not exists (select 1 from bi_sync_state) then return null; end if;
  if tg_op = 'DELETE' then r := old; else r := new; end if;
  if tg_table_name = 'customer' then
    insert into bi_change (tbl, row_id, customer_id) values ('customer', r.id, r.id);
  elsif tg_table_name in ('feedback', 'purchase') then
    insert into bi_change (tbl, row_id, customer_id) values (tg_table_name, r.id, r.customer_id);
    if tg_op = 'UPDATE' and old.customer_id is distinct from new.customer_id and old.customer_id is not null then
      insert into bi_change (tbl, row_id, customer_id) values ('customer', old.customer_id, old.customer_id);
    end if;
  else
    insert into bi_change (tbl, row_id, customer_id) values ('customer', r.customer_id, r.customer_id);
  end if;
  return null;
end $$;`);
    for (const t of ['customer', 'feedback', 'purchase', 'consent', 'use_restriction']) {
      this.addSql(`create trigger "${t}_bi_change" after insert or update or delete on "${t}" for each row execute function koe_bi_change();`);
    }
    // The application role writes through the triggers: it needs the sequence too.
    this.addSql(`do $$ begin
  if exists (select 1 from pg_roles where rolname = 'koe_app') then
    execute 'grant select, insert, delete on bi_change, bi_sync_state to koe_app';
    execute 'grant update on bi_sync_state to koe_app';
    execute 'grant usage, select on sequence bi_change_seq_seq to koe_app';
  end if;
end $$;`);
  }

  override async down(): Promise<void> {
    for (const t of ['customer', 'feedback', 'purchase', 'consent', 'use_restriction']) this.addSql(`drop trigger if exists "${t}_bi_change" on "${t}";`);
    this.addSql('drop function if exists koe_bi_change();');
    this.addSql('drop table if exists "bi_sync_state";');
    this.addSql('drop table if exists "bi_change";');
  }
}
