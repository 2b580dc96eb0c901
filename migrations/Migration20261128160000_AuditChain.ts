import { Migration } from '@mikro-orm/migrations';

/**
 * The audit trail made append-only in the database, plus signed checkpoints.
 *
 * - `audit_checkpoint`: HMAC-signed chain positions (`koe audit checkpoint`, the recorder every N events).
 * - `koe_audit_append_only()`: a trigger function on `audit_event` and `audit_checkpoint` that
 *   refuses UPDATE, DELETE and TRUNCATE. The one exception is DELETE inside `koe_audit_prune`,
 *   which sets the transaction-local flag `koe.audit_prune`.
 * - `koe_audit_prune(before)`: deletes the expired prefix of the chain up to the newest signed
 *   checkpoint before the first unexpired event, so what remains starts right after a checkpoint
 *   and still verifies (`koe audit prune` signs that checkpoint first).
 * - Role `koe_app` (NOLOGIN): SELECT and INSERT only on the audit tables, ordinary DML elsewhere.
 *
 * Running Koe as `koe_app` (an operator, once per cluster; the migration owner keeps running
 * migrations and `koe_audit_prune`):
 *   create role koe_web login password '…' in role koe_app;
 *   -- then DATABASE_URL=postgres://koe_web:…@host/db npx koe start
 * The flag is only honoured for DELETE, which koe_app is not granted, so the app role cannot prune.
 * A superuser can still disable the trigger: that is what the hash chain and checkpoints detect.
 */
export class Migration20261128160000_AuditChain extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "audit_checkpoint" (
      "seq" bigint not null primary key,
      "hash" varchar(64) not null,
      "at" timestamptz not null,
      "key_id" varchar(32) not null,
      "signature" varchar(64) not null);`);

    this.addSql(`create or replace function koe_audit_append_only() returns trigger language plpgsql as $fn$
begin
  if tg_op = 'DELETE' and coalesce(current_setting('koe.audit_prune', true), '') = 'on' then
    return old;
  end if;
  raise exception 'koe: % is append-only: % refused', tg_table_name, tg_op
    using errcode = 'insufficient_privilege',
          hint = 'expired audit events are removed only by koe_audit_prune(before)';
end
$fn$;`);
    for (const table of ['audit_event', 'audit_checkpoint']) {
      this.addSql(`create trigger "${table}_append_only" before update or delete on "${table}" for each row execute function koe_audit_append_only();`);
      this.addSql(`create trigger "${table}_no_truncate" before truncate on "${table}" for each statement execute function koe_audit_append_only();`);
    }

    // Removes a prefix of the chain, never a middle: up to the newest checkpoint before the first
    // unexpired event (clocks of several instances may disagree, so `at` is not monotonic in seq).
    // The chain lock (0x4b6f6541, as in src/audit/append.ts) keeps appends out meanwhile.
    this.addSql(`create or replace function koe_audit_prune(before timestamptz) returns bigint language plpgsql as $fn$
declare
  first_kept bigint;
  cut bigint;
  removed bigint;
begin
  perform pg_advisory_xact_lock(1265591617);
  select coalesce(min(seq), 9223372036854775807) into first_kept from audit_event where at >= before;
  select max(seq) into cut from audit_checkpoint where seq < first_kept;
  if cut is null then
    return 0;
  end if;
  perform set_config('koe.audit_prune', 'on', true);
  delete from audit_event where seq <= cut;
  get diagnostics removed = row_count;
  perform set_config('koe.audit_prune', 'off', true);
  return removed;
end
$fn$;`);
    this.addSql(`revoke all on function koe_audit_prune(timestamptz) from public;`);

    // Creating a role needs CREATEROLE: without it the grants are skipped with a notice, not failed.
    this.addSql(`do $do$
begin
  if not exists (select from pg_roles where rolname = 'koe_app') then
    create role koe_app nologin;
  end if;
  execute format('grant usage on schema %I to koe_app', current_schema());
  execute format('grant select, insert, update, delete on all tables in schema %I to koe_app', current_schema());
  execute format('grant usage, select on all sequences in schema %I to koe_app', current_schema());
  execute format('alter default privileges in schema %I grant select, insert, update, delete on tables to koe_app', current_schema());
  revoke update, delete, truncate, references, trigger on audit_event, audit_checkpoint from koe_app;
  revoke all on mikro_orm_migrations from koe_app;
exception when insufficient_privilege then
  raise notice 'koe: role koe_app not set up (needs CREATEROLE); see Migration20261128160000_AuditChain';
end
$do$;`);
  }

  override async down(): Promise<void> {
    for (const table of ['audit_event', 'audit_checkpoint']) {
      this.addSql(`drop trigger if exists "${table}_append_only" on "${table}";`);
      this.addSql(`drop trigger if exists "${table}_no_truncate" on "${table}";`);
    }
    this.addSql(`drop function if exists koe_audit_prune(timestamptz);`);
    this.addSql(`drop function if exists koe_audit_append_only();`);
    this.addSql(`drop table if exists "audit_checkpoint";`);
  }
}
