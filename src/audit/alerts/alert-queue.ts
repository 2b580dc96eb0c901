/**
 * Runs alert evaluation after the response, off the request path: events committed by requests
 * queue here and are evaluated together once the current turn of the event loop (which writes the
 * response) is over, one batch at a time. Alerts are written as events of their own; nothing waits
 * for them, and a failure is the sink's to log.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { NewAuditEvent } from '../event.js';
import type { AlertSink } from './alert-evaluator.js';

export interface AlertQueue {
  /** A function is called when the batch runs: an event handed over as text is decoded off the request's path. */
  push(em: EntityManager, event: NewAuditEvent | (() => NewAuditEvent)): void;
}

export function alertQueue(sink: AlertSink, maxBatch = 256): AlertQueue {
  let queue: Array<{ em: EntityManager; event: NewAuditEvent | (() => NewAuditEvent) }> = [];
  let scheduled = false;
  const run = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      // The sink never throws; the catch only keeps a broken sink from stopping the queue.
      await Promise.resolve()
        .then(() => sink(batch[0]!.em, batch.map((q) => (typeof q.event === 'function' ? q.event() : q.event))))
        .catch(() => {});
    }
    scheduled = false;
  };
  return {
    push(em, event) {
      queue.push({ em, event });
      if (scheduled) return;
      scheduled = true;
      // setImmediate, not a microtask: the response is serialised and written first.
      setImmediate(() => void run());
    },
  };
}
