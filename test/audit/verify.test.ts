/**
 * `verifyChain` against real rows in a scratch database: an intact chain passes; every kind of
 * tampering a superuser can do with the triggers bypassed is caught and named by its seq.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointKey } from '../../src/audit/checkpoint.js';
import { verifyChain } from '../../src/audit/verify.js';
import { asSuperuser, buildChain, rehashFrom, relinkRow, TEST_CHECKPOINT_KEY } from '../support/audit-chain.js';
import { eventHash } from '../../src/audit/canonical.js';
import { eventOfRow } from '../../src/audit/chain-reader.js';
import { scratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';

let db: ScratchKoeDb;
beforeAll(async () => {
  db = await scratchKoeDb();
});
afterAll(async () => db?.drop());

const verify = () => verifyChain(db.sql, { key: TEST_CHECKPOINT_KEY, batchSize: 64 });

describe(verifyChain.name, () => {
  it('passes an intact chain, reading it in batches and checking every checkpoint', async () => {
    await buildChain(db, 250, [100, 200]);
    const progress: number[] = [];
    const report = await verifyChain(db.sql, { key: TEST_CHECKPOINT_KEY, batchSize: 64, onProgress: (done) => progress.push(done) });
    expect(report).toMatchObject({ ok: true, events: 250, checkpoints: 2, firstSeq: '1', lastSeq: '250', problem: null, signaturesChecked: true });
    expect(progress).toEqual([64, 128, 192, 250]);
  });

  it('passes an empty chain', async () => {
    await buildChain(db, 0);
    expect(await verify()).toMatchObject({ ok: true, events: 0 });
  });

  it.each([
    ['an edited row', `update audit_event set outcome = 'ok' where seq = 37`, { seq: '37', kind: 'hash' }],
    [
      'a row edited with the trigger disabled and re-enabled',
      `alter table audit_event disable trigger audit_event_append_only; update audit_event set actor_id = 'p-nobody' where seq = 88; alter table audit_event enable trigger audit_event_append_only`,
      { seq: '88', kind: 'hash' },
    ],
    ['an edited jsonb detail', `update audit_event set fields = '[]' where seq = 120`, { seq: '120', kind: 'hash' }],
    ['a deleted row', 'delete from audit_event where seq = 50', { seq: '51', kind: 'gap' }],
    ['two reordered rows', 'update audit_event set seq = -1 where seq = 10; update audit_event set seq = 10 where seq = 11; update audit_event set seq = 11 where seq = -1', { seq: '10', kind: 'link' }],
    ['deleted oldest rows (not through koe_audit_prune)', 'delete from audit_event where seq <= 5', { seq: '6', kind: 'start' }],
    ['deleted newest rows', 'delete from audit_event where seq > 150', { seq: '200', kind: 'checkpoint-beyond-head' }],
    ['a forged checkpoint', `update audit_checkpoint set hash = repeat('0', 64) where seq = 100`, { seq: '100', kind: 'checkpoint-signature' }],
  ])('fails on %s, naming the seq', async (_what, tamper, problem) => {
    await buildChain(db, 250, [100, 200]);
    await asSuperuser(db, tamper);
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.problem).toMatchObject(problem);
  });

  // Guards against the forger's attack: edit, then recompute every later hash so all links hold.
  it('fails on a re-hashed forged chain, at the first signed checkpoint after the edit', async () => {
    await buildChain(db, 250, [100, 200]);
    await asSuperuser(db, `update audit_event set outcome = 'ok' where seq = 42`);
    await rehashFrom(db, 42);
    expect((await verify()).problem).toMatchObject({ seq: '100', kind: 'checkpoint-hash' });
    // …and re-pointing the checkpoint at the forged hash needs the key to re-sign it.
    await asSuperuser(db, `update audit_checkpoint set hash = (select hash from audit_event where seq = 100) where seq = 100`);
    expect((await verify()).problem).toMatchObject({ seq: '100', kind: 'checkpoint-signature' });
  });

  // Guards the previous-hash link itself: every row's own hash is right, only what it points at is not.
  it.each([
    ['the hash of an older row (a row cut out of its place)', 58],
    ['a made-up hash', 0],
  ])('fails on a forged link to %s, every row hash recomputed, naming the seq', async (_what, target) => {
    await buildChain(db, 250, [100, 200]);
    const [older] = await db.sql<{ hash: string }>('select hash from audit_event where seq = ?', [target]);
    const forged = older?.hash ?? 'f'.repeat(64);
    await relinkRow(db, 60, forged);
    await rehashFrom(db, 61); // later rows follow the forged row, so every other link holds
    const rows = await db.sql('select id, seq::text as seq, at, actor_id, roles, action, outcome, operation_name, operation_hash, purpose, subgraph, resources, fields, policy_version, request_id, client_address, detail, prev_hash, hash from audit_event where seq between 59 and 62 order by seq');
    const events = rows.map(eventOfRow);
    for (const e of events) expect(eventHash(e.seq, e, e.prevHash), `row ${e.seq} hashes right`).toBe(e.hash);
    expect(events.slice(2).every((e, i) => e.prevHash === events[i + 1]!.hash)).toBe(true);
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.problem).toMatchObject({ seq: '60', kind: 'link' });
  });

  it('refuses checkpoints signed with another key', async () => {
    await buildChain(db, 20, [10]);
    const report = await verifyChain(db.sql, { key: checkpointKey('another-master-key') });
    expect(report.problem).toMatchObject({ seq: '10', kind: 'checkpoint-key' });
  });
});

describe('checkpoint key during a KEK rotation', () => {
  it('signs with the oldest listed version, so adding a version keeps earlier signatures valid', () => {
    const v1 = Buffer.alloc(32, 1).toString('base64');
    const v2 = Buffer.alloc(32, 2).toString('base64');
    expect(checkpointKey(`2:${v2},1:${v1}`).id).toBe(checkpointKey(v1).id);
    expect(checkpointKey(`1:${v1}`).id).toBe(checkpointKey(v1).id);
    expect(checkpointKey(v2).id).not.toBe(checkpointKey(v1).id);
  });
});
