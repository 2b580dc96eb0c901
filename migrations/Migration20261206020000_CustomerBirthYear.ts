import { Migration } from '@mikro-orm/migrations';

/**
 * `customer.birth_year`: the year of the sealed birth date, in the clear, so `customerStats` can
 * group by age band in SQL (docs/analytics.md). It is derived personal data at the resolution the
 * `year` masker shows, written with the sealed date (FieldCrypto.sealRow), emptied by erasure, never
 * a GraphQL field. Existing rows are filled by `koe migrate`'s data step (src/data/birth-year-backfill.ts):
 * SQL cannot open the sealed dates.
 */
export class Migration20261206020000_CustomerBirthYear extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "customer" add column "birth_year" smallint null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "customer" drop column "birth_year";`);
  }
}
