import { Migration } from '@mikro-orm/migrations';

/**
 * An audit row's `resources` (a page names a hundred records or more) is TOASTed on every append,
 * and pglz compresses it at about a millisecond per 10 kB, inside the append that the response
 * waits for. lz4 does it in a fraction. Rows already written keep their compression; reads are
 * unchanged. A server built without lz4 keeps pglz (the append is slower, nothing else changes).
 */
export class Migration20261128197000_AuditLz4 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`do $$
begin
  alter table audit_event alter column resources set compression lz4;
  alter table audit_event alter column fields set compression lz4;
  alter table audit_event alter column detail set compression lz4;
exception when feature_not_supported or invalid_parameter_value then
  raise notice 'lz4 is not available: audit rows stay compressed with pglz';
end
$$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table audit_event alter column resources set compression default;`);
    this.addSql(`alter table audit_event alter column fields set compression default;`);
    this.addSql(`alter table audit_event alter column detail set compression default;`);
  }
}
