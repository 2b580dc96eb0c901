/** Alert evaluation runs after the response: never in the pushing turn, batched, one batch at a time. */
import { describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { alertQueue } from '../../src/audit/alerts/alert-queue.js';
import type { NewAuditEvent } from '../../src/audit/event.js';
import { sampleEvent } from '../support/audit-chain.js';

const em = {} as EntityManager;
const tick = () => new Promise((r) => setImmediate(r));

describe(alertQueue.name, () => {
  it('evaluates nothing in the turn that pushes, then everything pushed meanwhile as one batch', async () => {
    const seen: string[][] = [];
    const queue = alertQueue(async (_em, events) => void seen.push(events.map((e) => e.requestId)));
    queue.push(em, sampleEvent(1));
    queue.push(em, sampleEvent(2));
    await Promise.resolve();
    expect(seen).toEqual([]);
    await tick();
    expect(seen).toEqual([['req-1', 'req-2']]);
  });

  it('runs one batch at a time, taking what queued while the previous one ran', async () => {
    const seen: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let running = 0;
    const queue = alertQueue(async (_em, events: readonly NewAuditEvent[]) => {
      expect(++running).toBe(1);
      seen.push(events.map((e) => e.requestId));
      if (seen.length === 1) await gate;
      running--;
    });
    queue.push(em, sampleEvent(1));
    await tick();
    queue.push(em, sampleEvent(2));
    queue.push(em, sampleEvent(3));
    await tick();
    expect(seen).toEqual([['req-1']]);
    release();
    await tick();
    expect(seen).toEqual([['req-1'], ['req-2', 'req-3']]);
  });

  it('keeps going after a sink that throws', async () => {
    const seen: string[] = [];
    const queue = alertQueue(async (_em, events) => {
      seen.push(events[0]!.requestId);
      throw new Error('broken sink');
    });
    queue.push(em, sampleEvent(1));
    await tick();
    queue.push(em, sampleEvent(2));
    await tick();
    expect(seen).toEqual(['req-1', 'req-2']);
  });
});
