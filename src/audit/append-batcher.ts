/**
 * Group commit for the audit chain. Appends are serialised by the chain lock and each commit waits
 * for a WAL flush, so one transaction per request caps a busy instance at one flush per event.
 * Events that arrive while an append is in flight wait and go together in the next transaction;
 * every caller still awaits the commit of its own event (fail closed is unchanged). A batch commits
 * without waiting for the flush only when none of its events asked for a durable commit; a durable
 * batch commits, releases the chain, then waits for the flush (`flushWal`): the chain lock is never
 * held through an fsync, so the next batch (this instance's or another's) appends meanwhile.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { appendAuditEvents, flushWal, type AppendOptions } from './append.js';
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
          const chained = await appendAuditEvents(batch[0]!.em, batch.map((p) => p.event), { durable: false });
          const settle = () => batch.forEach((p, i) => p.resolve(chained[i]!));
          // The next batch appends while this one waits for its flush; its callers wait for it.
          if (durable) void flushWal(batch[0]!.em).then(settle, (err: unknown) => batch.forEach((p) => p.reject(err)));
          else settle();
        } catch (err) {
          // One bad event must not fail its neighbours: retry them one by one before giving up.
          if (batch.length === 1) batch[0]!.reject(err);
          else for (const p of batch) await appendOne(p).then(p.resolve, p.reject);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}

async function appendOne(p: Pending): Promise<ChainedAuditEvent> {
  const [chained] = await appendAuditEvents(p.em, [p.event], { durable: false });
  if (p.durable) await flushWal(p.em);
  return chained!;
}
