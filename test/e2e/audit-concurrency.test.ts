/**
 * Two Koe instances (each its own process-level pool and append batcher) appending at once must
 * extend one chain: no duplicate sequence numbers, no fork, and `verifyChain` passes afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/audit/verify.js';
import { postGraphQL, startTestKoe, type TestKoe } from '../support/koe.js';
import { seededScratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';

let db: ScratchKoeDb;
let a: TestKoe;
let b: TestKoe;
beforeAll(async () => {
  db = await seededScratchKoeDb({ customers: 60, feedback: 200 });
  a = await startTestKoe(undefined, { databaseUrl: db.url });
  b = await startTestKoe(undefined, { databaseUrl: db.url });
}, 120_000);
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await db?.drop();
});

describe('one audit chain across instances', () => {
  it('keeps one valid chain while two instances append concurrently', async () => {
    const before = Number((await db.sql<{ n: string }>('select count(*)::text as n from audit_event'))[0]!.n);
    const auth = { authorization: `Bearer ${await a.token('p-analyst')}` };
    const PER_INSTANCE = 40;
    const fire = (url: string) =>
      Array.from({ length: PER_INSTANCE }, () => postGraphQL(url, { query: '{ customers(first: 3) { edges { node { id email } } } }' }, auth));
    const responses = await Promise.all([...fire(a.platform.subgraphUrls.customers), ...fire(b.platform.subgraphUrls.customers)]);
    expect(responses.every((r) => r.status === 200 && !r.json.errors)).toBe(true);

    const rows = await db.sql<{ seq: string }>('select seq::text as seq from audit_event order by seq');
    expect(rows.length - before).toBeGreaterThanOrEqual(2 * PER_INSTANCE);
    expect(new Set(rows.map((r) => r.seq)).size).toBe(rows.length);
    const report = await verifyChain(db.sql);
    expect(report).toMatchObject({ ok: true, problem: null, events: rows.length });
  });
});
