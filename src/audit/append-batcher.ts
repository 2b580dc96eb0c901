/**
 * Group commit for the audit chain. Appends are serialised by the chain lock and each commit waits
 * for a WAL flush, so one transaction per request caps a busy instance at one flush per event.
 * Events that arrive while an append is in flight wait and go together in the next transaction;
 * every caller still awaits the commit of its own event (fail closed is unchanged). A batch commits
 * without waiting for the flush only when none of its events asked for a durable commit.
 * A group (the gateway's edge event with the events its subgraphs handed it) is all or nothing: it
 * goes into one transaction, next to each other in the chain, and fails together.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { appendPreparedRows, chainedEvent, prepareAuditRow, type AppendedRow, type AppendOptions, type PreparedAuditRow } from './append.js';
import type { ChainedAuditEvent, NewAuditEvent } from './event.js';

interface Pending {
  em: EntityManager;
  rows: readonly PreparedAuditRow[];
  durable: boolean;
  resolve(appended: AppendedRow[]): void;
  reject(err: unknown): void;
}

export class AuditAppendBatcher {
  private queue: Pending[] = [];
  private draining = false;

  constructor(private readonly maxBatch = 256) {}

  async append(em: EntityManager, event: NewAuditEvent, opts: AppendOptions = {}): Promise<ChainedAuditEvent> {
    return chainedEvent((await this.appendRows(em, [prepareAuditRow(event)], opts))[0]!);
  }

  /** `events` chained one after the other, committed together or not at all. */
  async appendGroup(em: EntityManager, events: readonly NewAuditEvent[], opts: AppendOptions = {}): Promise<ChainedAuditEvent[]> {
    return (await this.appendRows(em, events.map(prepareAuditRow), opts)).map(chainedEvent);
  }

  /** Prepared rows (src/audit/append.ts) chained one after the other, committed together or not at all. */
  appendRows(em: EntityManager, rows: readonly PreparedAuditRow[], opts: AppendOptions = {}): Promise<AppendedRow[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ em, rows, durable: opts.durable !== false, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const durable = batch.some((p) => p.durable);
          const appended = await appendPreparedRows(batch[0]!.em, batch.flatMap((p) => p.rows), { durable });
          let at = 0;
          for (const p of batch) p.resolve(appended.slice(at, (at += p.rows.length)));
        } catch (err) {
          // One bad group must not fail its neighbours: retry them one by one before giving up.
          if (batch.length === 1) batch[0]!.reject(err);
          else for (const p of batch) await appendPreparedRows(p.em, p.rows, { durable: p.durable }).then(p.resolve, p.reject);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
