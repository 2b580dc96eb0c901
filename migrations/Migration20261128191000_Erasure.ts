import { Migration } from '@mikro-orm/migrations';

/**
 * Erasure (issue 7): when a customer's data-subject erasure ran. The row itself stays, anonymised,
 * so counts and aggregates still include the customer.
 */
export class Migration20261128191000_Erasure extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "customer" add column "erased_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "customer" drop column "erased_at";`);
  }

}
