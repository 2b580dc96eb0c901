import { Migration } from '@mikro-orm/migrations';

export class Migration20261128151144_AuditDetail extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "audit_event" add column "detail" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "audit_event" drop column "detail";`);
  }

}
