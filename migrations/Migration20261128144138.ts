import { Migration } from '@mikro-orm/migrations';

export class Migration20261128144138 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "audit_event" ("id" uuid not null, "seq" bigint not null, "at" timestamptz not null, "actor_id" varchar(128) null, "roles" text[] not null, "action" varchar(64) not null, "outcome" varchar(32) not null, "operation_name" text null, "operation_hash" varchar(64) null, "purpose" varchar(64) null, "subgraph" varchar(32) null, "resources" text[] not null, "fields" jsonb not null, "policy_version" varchar(64) not null, "request_id" varchar(64) not null, "client_address" varchar(64) null, "prev_hash" varchar(64) not null, "hash" varchar(64) not null, constraint "audit_event_pkey" primary key ("id"));`);
    this.addSql(`alter table "audit_event" add constraint "audit_event_seq_unique" unique ("seq");`);
    this.addSql(`create index "audit_event_outcome_seq_index" on "audit_event" ("outcome", "seq");`);
    this.addSql(`create index "audit_event_action_seq_index" on "audit_event" ("action", "seq");`);
    this.addSql(`create index "audit_event_actor_id_seq_index" on "audit_event" ("actor_id", "seq");`);
    this.addSql(`create index "audit_event_at_seq_index" on "audit_event" ("at", "seq");`);

    this.addSql(`create table "customer" ("id" uuid not null, "customer_key" varchar(64) not null, "name" text not null, "name_kana" text not null, "email" text not null, "phone" text not null, "address" text not null, "prefecture" varchar(8) not null, "birth_date" varchar(10) not null, "team_id" varchar(64) null, "segment" varchar(32) null, "created_at" timestamptz not null, "last_activity_at" timestamptz not null, constraint "customer_pkey" primary key ("id"));`);
    this.addSql(`alter table "customer" add constraint "customer_customer_key_unique" unique ("customer_key");`);
    this.addSql(`create index "customer_phone_index" on "customer" ("phone");`);
    this.addSql(`create index "customer_team_id_index" on "customer" ("team_id");`);
    this.addSql(`create index "customer_segment_index" on "customer" ("segment");`);
    this.addSql(`create index "customer_last_activity_at_index" on "customer" ("last_activity_at");`);
    this.addSql(`create index "customer_prefecture_id_index" on "customer" ("prefecture", "id");`);
    this.addSql(`create index "customer_email_id_index" on "customer" ("email", "id");`);
    this.addSql(`create index "customer_name_id_index" on "customer" ("name", "id");`);
    this.addSql(`create index "customer_created_at_id_index" on "customer" ("created_at", "id");`);

    this.addSql(`create table "consent" ("id" uuid not null, "customer_id" uuid not null, "purpose" varchar(64) not null, "granted_at" timestamptz not null, "withdrawn_at" timestamptz null, "source" varchar(32) not null, constraint "consent_pkey" primary key ("id"));`);
    this.addSql(`create index "consent_purpose_withdrawn_at_index" on "consent" ("purpose", "withdrawn_at");`);
    this.addSql(`create index "consent_customer_id_purpose_index" on "consent" ("customer_id", "purpose");`);

    this.addSql(`create table "feedback" ("id" uuid not null, "customer_id" uuid null, "channel" varchar(16) not null, "received_at" timestamptz not null, "subject" text null, "body" text not null, "rating" smallint null, "sentiment" varchar(16) null, "tags" text[] not null, "status" varchar(16) not null, "team_id" varchar(64) null, "note" text null, constraint "feedback_pkey" primary key ("id"));`);
    this.addSql(`create index "feedback_channel_index" on "feedback" ("channel");`);
    this.addSql(`create index "feedback_sentiment_index" on "feedback" ("sentiment");`);
    this.addSql(`create index "feedback_status_index" on "feedback" ("status");`);
    this.addSql(`create index "feedback_team_id_index" on "feedback" ("team_id");`);
    this.addSql(`create index "feedback_customer_id_received_at_index" on "feedback" ("customer_id", "received_at");`);
    this.addSql(`create index "feedback_rating_id_index" on "feedback" ("rating", "id");`);
    this.addSql(`create index "feedback_received_at_id_index" on "feedback" ("received_at", "id");`);

    this.addSql(`create table "principal" ("id" varchar(128) not null, "display_name" text not null, "roles" text[] not null, "team_id" varchar(64) null, "attributes" jsonb not null, "status" varchar(16) not null default 'active', "expires_at" timestamptz null, "last_seen_at" timestamptz null, "created_at" timestamptz not null, constraint "principal_pkey" primary key ("id"));`);
    this.addSql(`create index "principal_team_id_index" on "principal" ("team_id");`);
    this.addSql(`create index "principal_status_index" on "principal" ("status");`);

    this.addSql(`create table "purchase" ("id" uuid not null, "customer_id" uuid not null, "ordered_at" timestamptz not null, "product_name" text not null, "category" varchar(64) not null, "amount" int not null, "store" text not null, constraint "purchase_pkey" primary key ("id"));`);
    this.addSql(`create index "purchase_customer_id_ordered_at_index" on "purchase" ("customer_id", "ordered_at");`);

    this.addSql(`alter table "consent" add constraint "consent_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "feedback" add constraint "feedback_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "purchase" add constraint "purchase_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete cascade;`);
  }

}
