import { Migration } from '@mikro-orm/migrations';

/**
 * `koe_audit_append` reads the chain head (`order by seq desc limit 1`) under the chain lock. PL/pgSQL
 * keeps that statement's plan for the session, made with the statistics of its first run: planned
 * on a young, small table it stays a sequential scan, and once the chain grows ahead of autovacuum's
 * ANALYZE every append scans the whole table while every other writer waits for the lock (measured:
 * 11 ms per append after 30,000 events, and 1,968 instead of ~3,000 events/s). Sequential scans are
 * off for the function only, so the head is always read from the seq index.
 */
export class Migration20261128198000_AuditHeadIndexScan extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter function koe_audit_append(jsonb) set enable_seqscan = off;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter function koe_audit_append(jsonb) reset enable_seqscan;`);
  }
}
