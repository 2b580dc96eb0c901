/**
 * Group commit for the audit chain. Appends are serialised by the chain lock and each commit waits
 * for a WAL flush, so one transaction per request caps a busy instance at one flush per event.
 * Events that arrive while an append is in flight wait and go together in the next transaction;
 * every caller still awaits the commit of its own event (fail closed is unchanged). A batch commits
 * without waiting for the flush only when none of its events asked for a durable commit.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { appendAuditEvents, type AppendOptions } from './append.js';
import type { ChainedAuditEvent, NewAuditEvent } from './event.js';

interface Pending {
  em: EntityManager;
  event: NewAuditEvent;
  durable: boolean;
  resolve(chained: ChainedAuditEvent): void;
  reject(err: unknown): void;
}

export class AuditAppendBatcher {
  private queue: Pending[] = [];
  private draining = false;

  constructor(private readonly maxBatch = 256) {}

  append(em: EntityManager, event: NewAuditEvent, opts: AppendOptions = {}): Promise<ChainedAuditEvent> {
    return new Promise((resolve, reject) => {
      this.queue.push({ em, event, durable: opts.durable !== false, resolve, reject });
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
          const chained = await appendAuditEvents(batch[0]!.em, batch.map((p) => p.event), { durable });
          batch.forEach((p, i) => p.resolve(chained[i]!));
        } catch (err) {
          // One bad event must not fail its neighbours: retry them one by one before giving up.
          if (batch.length === 1) batch[0]!.reject(err);
          else for (const p of batch) await appendAuditEvents(p.em, [p.event], { durable: p.durable }).then(([c]) => p.resolve(c!), p.reject);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
