import { Migration } from '@mikro-orm/migrations';

/**
 * At most one active consent per customer and purpose. Two `recordConsent` calls racing could each
 * find no active consent and insert one; the partial unique index makes the second insert a no-op
 * (the resolver then returns the first), so a withdrawal always closes the one grant there is.
 *
 * Duplicates already stored are folded first: per customer and purpose, the earliest active grant
 * (then the smallest id) stays active; every later active row is closed with `withdrawn_at` set to
 * its own `granted_at`. A zero-length row was never in force on its own, so "consented at time T"
 * (granted_at <= T < withdrawn_at, as provision records ask it) is unchanged for every T: the earliest
 * grant covered that time already. The rows are kept as history, not deleted. Writers are locked out
 * for the migration so no new duplicate slips in between the fold and the index.
 */
export class Migration20261204110000_OneActiveConsent extends Migration {
  override async up(): Promise<void> {
    this.addSql(`lock table "consent" in share row exclusive mode;`);
    this.addSql(`update "consent" c set "withdrawn_at" = c."granted_at"
      from (select "id", row_number() over (partition by "customer_id", "purpose" order by "granted_at", "id") as n
              from "consent" where "withdrawn_at" is null) d
     where c."id" = d."id" and d.n > 1;`);
    this.addSql(`create unique index "consent_one_active_idx" on "consent" ("customer_id", "purpose") where "withdrawn_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "consent_one_active_idx";`);
  }
}
