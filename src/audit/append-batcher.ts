/**
 * Group commit for the audit chain. Appends are serialised by the chain lock and each commit waits
 * for a WAL flush, so one transaction per request caps a busy instance at one flush per event.
 * Events that arrive while an append is in flight wait and go together in the next transaction;
 * every caller still awaits the commit of its own event (fail closed is unchanged).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { appendAuditEvents } from './append.js';
import type { ChainedAuditEvent, NewAuditEvent } from './event.js';

interface Pending {
  em: EntityManager;
  event: NewAuditEvent;
  resolve(chained: ChainedAuditEvent): void;
  reject(err: unknown): void;
}

export class AuditAppendBatcher {
  private queue: Pending[] = [];
  private draining = false;

  constructor(private readonly maxBatch = 256) {}

  append(em: EntityManager, event: NewAuditEvent): Promise<ChainedAuditEvent> {
    return new Promise((resolve, reject) => {
      this.queue.push({ em, event, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const chained = await appendAuditEvents(batch[0]!.em, batch.map((p) => p.event));
          batch.forEach((p, i) => p.resolve(chained[i]!));
        } catch (err) {
          // One bad event must not fail its neighbours: retry them one by one before giving up.
          if (batch.length === 1) batch[0]!.reject(err);
          else for (const p of batch) await appendAuditEvents(p.em, [p.event]).then(([c]) => p.resolve(c!), p.reject);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
