/**
 * The database keeps the trail append-only by itself: UPDATE, DELETE and TRUNCATE are refused
 * for everyone who does not bypass triggers, expired events leave only through koe_audit_prune,
 * and the application role holds no more than SELECT and INSERT on the audit tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvents } from '../../src/audit/append.js';
import { writeCheckpoint } from '../../src/audit/checkpoint.js';
import { planPrune, pruneChain } from '../../src/audit/prune.js';
import { verifyChain } from '../../src/audit/verify.js';
import { asSuperuser, BASE_TIME, buildChain, sampleEvent, TEST_CHECKPOINT_KEY } from '../support/audit-chain.js';
import { scratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';

let db: ScratchKoeDb;
beforeAll(async () => {
  db = await scratchKoeDb();
});
afterAll(async () => db?.drop());

describe('audit_event append-only trigger', () => {
  it.each([
    ['UPDATE', `update audit_event set outcome = 'ok' where seq = 3`],
    ['DELETE', 'delete from audit_event where seq = 3'],
    ['TRUNCATE', 'truncate audit_event'],
    ['UPDATE of a checkpoint', `update audit_checkpoint set hash = 'x'`],
    ['DELETE of a checkpoint', 'delete from audit_checkpoint'],
  ])('refuses %s, even to a superuser, with a clear error', async (_what, statement) => {
    await buildChain(db, 5, [5]);
    await expect(db.superuser(statement)).rejects.toThrow(/is append-only: (UPDATE|DELETE|TRUNCATE) refused/);
    expect((await verifyChain(db.sql, { key: TEST_CHECKPOINT_KEY })).ok).toBe(true);
  });

  it('ignores the prune flag for an UPDATE', async () => {
    await buildChain(db, 5, [5]);
    // The flag only lets DELETE through (koe_app has no DELETE); a superuser can do worse anyway.
    await expect(db.superuser(`begin; select set_config('koe.audit_prune', 'on', true); update audit_event set outcome = 'ok'; commit`)).rejects.toThrow(/append-only/);
  });
});

describe('koe_audit_prune', () => {
  it('removes expired events only up to the newest checkpoint, and the rest still verifies', async () => {
    await buildChain(db, 120, [50, 100]);
    const before = new Date(BASE_TIME + 110 * 60_000).toISOString(); // events 1..109 are older
    const [{ removed }] = (await db.sql<{ removed: string }>('select koe_audit_prune(?)::text as removed', [before])) as [{ removed: string }];
    expect(removed).toBe('100');
    const report = await verifyChain(db.sql, { key: TEST_CHECKPOINT_KEY });
    expect(report).toMatchObject({ ok: true, firstSeq: '101', lastSeq: '120', events: 20 });
  });

  // Guards against a hole mid-chain: an instance with a fast clock wrote seq 50 "in the future".
  it('removes only a prefix when event times are out of order', async () => {
    await buildChain(db, 0);
    const events = Array.from({ length: 120 }, (_, i) => sampleEvent(i + 1));
    events[49]!.at = new Date(BASE_TIME + 10_000 * 60_000);
    await appendAuditEvents(db.orm.em.fork(), events);
    for (const seq of ['40', '100']) await writeCheckpoint(db.orm.em.fork(), TEST_CHECKPOINT_KEY, (await db.sql<{ seq: string; hash: string }>('select seq::text as seq, hash from audit_event where seq = ?', [seq]))[0]!);
    const [row] = await db.sql<{ removed: string }>('select koe_audit_prune(?)::text as removed', [new Date(BASE_TIME + 110 * 60_000)]);
    expect(row!.removed).toBe('40');
    expect(await verifyChain(db.sql, { key: TEST_CHECKPOINT_KEY })).toMatchObject({ ok: true, firstSeq: '41' });
  });

  it('removes nothing without a checkpoint', async () => {
    await buildChain(db, 10);
    const [row] = await db.sql<{ removed: string }>(`select koe_audit_prune(now() + interval '1 day')::text as removed`);
    expect(row!.removed).toBe('0');
  });
});

describe(pruneChain.name, () => {
  it('signs a checkpoint at the last expired event and removes exactly the expired events', async () => {
    await buildChain(db, 60);
    const before = new Date(BASE_TIME + 25 * 60_000); // events 1..24 are older
    expect(await planPrune(db.sql, before)).toMatchObject({ events: 24, cut: { seq: '24' } });
    const { removed } = await pruneChain(db.orm.em.fork(), db.sql, TEST_CHECKPOINT_KEY, before);
    expect(removed).toBe(24);
    expect(await verifyChain(db.sql, { key: TEST_CHECKPOINT_KEY })).toMatchObject({ ok: true, firstSeq: '25', events: 36, checkpoints: 1 });
  });

  it('refuses to prune a chain that does not verify', async () => {
    await buildChain(db, 30);
    await asSuperuser(db, `update audit_event set outcome = 'ok' where seq = 3`);
    await expect(pruneChain(db.orm.em.fork(), db.sql, TEST_CHECKPOINT_KEY, new Date(BASE_TIME + 20 * 60_000))).rejects.toThrow(/does not verify \(seq 3/);
    expect((await db.sql('select 1 from audit_event'))).toHaveLength(30);
  });
});

describe('the koe_app role', () => {
  it.each([
    ['audit_event', 'SELECT', true],
    ['audit_event', 'INSERT', true],
    ['audit_event', 'UPDATE', false],
    ['audit_event', 'DELETE', false],
    ['audit_event', 'TRUNCATE', false],
    ['audit_checkpoint', 'INSERT', true],
    ['audit_checkpoint', 'UPDATE', false],
    ['customer', 'UPDATE', true],
  ])('on %s has %s: %s', async (table, privilege, expected) => {
    const [row] = await db.sql<{ has: boolean }>('select has_table_privilege(?, ?, ?) as has', ['koe_app', table, privilege]);
    expect(row!.has).toBe(expected);
  });
});
