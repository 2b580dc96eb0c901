/**
 * `koe_audit_append_canonical`, the one-statement append: the hash it computes in SQL is byte for
 * byte `eventHash`, and the columns it reads from the same canonical body are what `koe audit verify`
 * hashes again (awkward text included), and concurrent callers on separate pools (two instances)
 * still form one chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { appendAuditEvents } from '../../src/audit/append.js';
import { eventHash, eventHashParts } from '../../src/audit/canonical.js';
import type { NewAuditEvent } from '../../src/audit/event.js';
import { verifyChain } from '../../src/audit/verify.js';
import { openOrm, type MikroORM } from '../../src/data/orm.js';
import { asSuperuser, buildChain, sampleEvent } from '../support/audit-chain.js';
import { scratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';

/** Text that trips naive encodings: multibyte, astral, quotes, backslashes, control characters, a nested "seq". */
const awkward: Array<[string, NewAuditEvent]> = [
  ['plain', sampleEvent(1)],
  ['with detail', sampleEvent(2)],
  ['Japanese and emoji', { ...sampleEvent(3), operationName: '顧客一覧 😀', detail: { 名前: '山田 "太郎"\\', note: 'tab\there\nline' } }],
  ['a nested seq key that looks like the mark', { ...sampleEvent(4), detail: { seq: '#seq#', inner: { seq: 7, z: [null, true, 1.5] } } }],
  ['nulls everywhere', { ...sampleEvent(5), actorId: null, operationName: null, operationHash: null, subgraph: null, clientAddress: null, roles: [], resources: [], fields: [] }],
  ['many resources', { ...sampleEvent(6), resources: Array.from({ length: 500 }, (_, i) => `Customer:${i}`) }],
];

let db: ScratchKoeDb;
let second: MikroORM;
beforeAll(async () => {
  db = await scratchKoeDb();
  second = await openOrm({ url: db.url, poolMax: 4 });
});
afterAll(async () => {
  await second?.close(true);
  await db?.drop();
});

describe('eventHashParts', () => {
  it.each(awkward)('%s: prefix + seq + suffix hashes as eventHash', (_, event) => {
    const { prefix, suffix } = eventHashParts(event);
    const prev = 'f'.repeat(64);
    const composed = createHash('sha256').update(`${prev}\n${prefix}"123"${suffix}`).digest('hex');
    expect(composed).toBe(eventHash('123', event, prev));
  });
});

describe('koe_audit_append_canonical', () => {
  it('writes rows whose hashes are eventHash and whose chain verifies', async () => {
    await buildChain(db, 3);
    const chained = await appendAuditEvents(db.orm.em.fork(), awkward.map(([, e]) => e));
    expect(chained.map((c) => c.seq)).toEqual(['4', '5', '6', '7', '8', '9']);
    for (const c of chained) expect(c.hash).toBe(eventHash(c.seq, c, c.prevHash));
    expect(chained.slice(1).map((c) => c.prevHash)).toEqual(chained.slice(0, -1).map((c) => c.hash));
    expect(await verifyChain(db.sql)).toMatchObject({ ok: true, events: 9 });
  });

  it('starts an empty chain at seq 1 after the genesis hash', async () => {
    await buildChain(db, 0);
    const [first] = await appendAuditEvents(db.orm.em.fork(), [sampleEvent(1)]);
    expect(first).toMatchObject({ seq: '1', prevHash: '0'.repeat(64) });
    expect(await verifyChain(db.sql)).toMatchObject({ ok: true, events: 1 });
  });

  it('two instances appending concurrently, one statement each, form one chain without a fork', async () => {
    await buildChain(db, 0);
    const instances = [db.orm, second];
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => appendAuditEvents(instances[i % 2]!.em.fork(), [sampleEvent(i), sampleEvent(1000 + i)])),
    );
    const seqs = results.flat().map((c) => Number(c.seq));
    expect(new Set(seqs).size).toBe(400);
    expect(Math.max(...seqs)).toBe(400);
    // Each call's events are consecutive: the lock is held for the whole batch.
    for (const [a, b] of results) expect(Number(b!.seq)).toBe(Number(a!.seq) + 1);
    expect(await verifyChain(db.sql)).toMatchObject({ ok: true, events: 400 });
  });

  it('writes nothing of a batch the database refuses', async () => {
    await buildChain(db, 2);
    // Events are fitted to their columns before the append, so the refusal comes from a trigger.
    await asSuperuser(db, `create function koe_test_poison() returns trigger language plpgsql as $$ begin raise exception 'poisoned'; end $$;
      create trigger koe_test_poison before insert on audit_event for each row when (new.request_id = 'poison') execute function koe_test_poison();`);
    try {
      const poison = { ...sampleEvent(9), requestId: 'poison' };
      await expect(appendAuditEvents(db.orm.em.fork(), [sampleEvent(8), poison])).rejects.toThrow();
    } finally {
      await asSuperuser(db, 'drop trigger koe_test_poison on audit_event; drop function koe_test_poison()');
    }
    expect(await verifyChain(db.sql)).toMatchObject({ ok: true, events: 2 });
  });

  it('reads the head from the seq index whatever the statistics say (no sequential scan under the chain lock)', async () => {
    for (const name of ['koe_audit_append', 'koe_audit_append_canonical']) {
      const [fn] = (await db.sql(`select proconfig from pg_proc where proname = ?`, [name])) as Array<{ proconfig: string[] | null }>;
      expect(fn?.proconfig).toContain('enable_seqscan=off');
    }
    // The plan the function gets for its head read, on statistics that call the table empty.
    const plan = JSON.stringify(
      await db.orm.em.fork().getConnection().getKnex().transaction(async (trx) => {
        await trx.raw('set local enable_seqscan = off');
        return (await trx.raw('explain (format json) select a.seq, a.hash from audit_event a order by a.seq desc limit 1')).rows;
      }),
    );
    expect(plan).toContain('audit_event_seq_unique');
    expect(plan).not.toContain('Seq Scan');
  });
});
