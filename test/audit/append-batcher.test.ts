/** Group commit: concurrent appends from two "instances" form one valid chain; a bad event fails alone. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvents } from '../../src/audit/append.js';
import { AuditAppendBatcher } from '../../src/audit/append-batcher.js';
import { verifyChain } from '../../src/audit/verify.js';
import { asSuperuser, buildChain, sampleEvent } from '../support/audit-chain.js';
import { scratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';

let db: ScratchKoeDb;
beforeAll(async () => {
  db = await scratchKoeDb();
});
afterAll(async () => db?.drop());

describe(AuditAppendBatcher.name, () => {
  it('chains 400 concurrent appends from two batchers without a fork, each caller getting its own event', async () => {
    await buildChain(db, 0);
    const batchers = [new AuditAppendBatcher(), new AuditAppendBatcher()];
    const results = await Promise.all(Array.from({ length: 400 }, (_, i) => batchers[i % 2]!.append(db.orm.em.fork(), sampleEvent(i))));
    expect(results.map((r) => r.requestId)).toEqual(Array.from({ length: 400 }, (_, i) => `req-${i}`));
    expect(new Set(results.map((r) => r.seq)).size).toBe(400);
    expect(await verifyChain(db.sql)).toMatchObject({ ok: true, events: 400 });
  });

  it('fails only the event the database refuses, not the others in its batch', async () => {
    await buildChain(db, 0);
    const batcher = new AuditAppendBatcher();
    // Events are fitted to their columns before the append, so the refusal comes from a trigger.
    await asSuperuser(db, `create function koe_test_poison() returns trigger language plpgsql as $$ begin raise exception 'poisoned'; end $$;
      create trigger koe_test_poison before insert on audit_event for each row when (new.request_id = 'poison') execute function koe_test_poison();`);
    let settled: PromiseSettledResult<unknown>[];
    try {
      const poison = { ...sampleEvent(2), requestId: 'poison' };
      settled = await Promise.allSettled([sampleEvent(1), poison, sampleEvent(3)].map((e) => batcher.append(db.orm.em.fork(), e)));
    } finally {
      await asSuperuser(db, 'drop trigger koe_test_poison on audit_event; drop function koe_test_poison()');
    }
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await verifyChain(db.sql)).toMatchObject({ ok: true, events: 2 });
  });

  // Guards the edge design: a read called by the gateway commits without the flush, anything else waits for it.
  it.each([
    ['an append asked not to be durable', 'off', { durable: false }],
    ['a default append', 'on', {}],
    ['a durable append', 'on', { durable: true }],
  ] as const)('commits %s with synchronous_commit %s', async (_, want, opts) => {
    await buildChain(db, 0);
    const shown = await db.orm.em.fork().transactional(async (em) => {
      await appendAuditEvents(em, [sampleEvent(1)], opts);
      return (await em.execute<Array<{ synchronous_commit: string }>>('show synchronous_commit'))[0]!.synchronous_commit;
    });
    expect(shown).toBe(want);
    expect(await verifyChain(db.sql)).toMatchObject({ ok: true, events: 1 });
  });
});
