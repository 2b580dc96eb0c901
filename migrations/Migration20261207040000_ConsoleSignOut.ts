import { Migration } from '@mikro-orm/migrations';

/**
 * Console sign-out that holds on every gateway instance: `console_signed_out_at` ends every console
 * session of the principal that began at or before it (src/auth/authenticate.ts compares it with the
 * sign-in instant the session's minted token carries, in the principal read each request makes
 * anyway, so no extra query). Sign-out sets it; so does the trigger when a principal stops being
 * active (disable, `koe incident contain`, a periodic review), so re-enabling one does not revive
 * the sessions it had. Read with plain SQL only, hence no entity property.
 */
export class Migration20261207040000_ConsoleSignOut extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "principal" add column "console_signed_out_at" timestamptz null;`);
    this.addSql(`create or replace function principal_console_sign_out() returns trigger language plpgsql as $$
      begin
        if OLD.status = 'active' and NEW.status <> 'active' then
          NEW.console_signed_out_at := greatest(coalesce(NEW.console_signed_out_at, '-infinity'), now());
        end if;
        return NEW;
      end $$;`);
    this.addSql(`create trigger principal_console_sign_out before update of "status" on "principal"
      for each row execute function principal_console_sign_out();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists principal_console_sign_out on "principal";`);
    this.addSql(`drop function if exists principal_console_sign_out();`);
    this.addSql(`alter table "principal" drop column if exists "console_signed_out_at";`);
  }
}
