import { Migration } from '@mikro-orm/migrations';

/**
 * Field encryption (issue 6): key-encryption key versions, one wrapped data key per customer, the
 * wrapped blind-index key, and blind-index columns for exact lookups. Indexes over personal columns
 * go: they would index ciphertext. Existing plaintext is encrypted after this by `koe migrate`
 * (src/data/crypto/encrypt-existing.ts), which needs the keys a SQL migration cannot hold.
 */
export class Migration20261128180000_FieldEncryption extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "kek_version" ("version" int not null, "fingerprint" varchar(32) not null, "state" varchar(16) not null default 'active', "created_at" timestamptz not null default now(), "retired_at" timestamptz null, constraint "kek_version_pkey" primary key ("version"), constraint "kek_version_state_check" check ("state" in ('active', 'retiring', 'retired')));`);
    this.addSql(`create table "data_key" ("owner_id" uuid not null, "wrapped" text not null, "kek_version" int not null references "kek_version" ("version"), "created_at" timestamptz not null default now(), "rewrapped_at" timestamptz null, constraint "data_key_pkey" primary key ("owner_id"));`);
    this.addSql(`create index "data_key_kek_version_index" on "data_key" ("kek_version", "owner_id");`);
    // Owners whose key was shredded: a write naming them must not quietly mint a fresh key.
    this.addSql(`create table "shredded_owner" ("owner_id" uuid not null, "shredded_at" timestamptz not null default now(), constraint "shredded_owner_pkey" primary key ("owner_id"));`);
    this.addSql(`create table "key_material" ("name" varchar(32) not null, "wrapped" text not null, "kek_version" int not null references "kek_version" ("version"), "created_at" timestamptz not null default now(), constraint "key_material_pkey" primary key ("name"));`);
    this.addSql(`alter table "customer" alter column "birth_date" type text;`);
    this.addSql(`alter table "customer" add column "email_bidx" varchar(64) null, add column "phone_bidx" varchar(64) null, add column "name_bidx" varchar(64) null;`);
    this.addSql(`drop index if exists "customer_phone_index";`);
    this.addSql(`drop index if exists "customer_email_id_index";`);
    this.addSql(`drop index if exists "customer_name_id_index";`);
    this.addSql(`create index "customer_email_bidx_index" on "customer" ("email_bidx");`);
    this.addSql(`create index "customer_phone_bidx_index" on "customer" ("phone_bidx");`);
    this.addSql(`create index "customer_name_bidx_index" on "customer" ("name_bidx");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "customer" drop column "email_bidx", drop column "phone_bidx", drop column "name_bidx";`);
    this.addSql(`drop table if exists "key_material";`);
    this.addSql(`drop table if exists "shredded_owner";`);
    this.addSql(`drop table if exists "data_key";`);
    this.addSql(`drop table if exists "kek_version";`);
  }

}
