/**
 * Retention per action on a chain that only loses a prefix: the plan counts per action what would
 * go, stops at the first event still within its period (holding back expired events behind it),
 * and applying it leaves a chain that verifies from a signed checkpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvents } from '../../src/audit/append.js';
import { periodFor, planRetention, pruneByRetention } from '../../src/audit/retention.js';
import { verifyChain } from '../../src/audit/verify.js';
import type { RetentionRule } from '../../src/policies/index.js';
import { asSuperuser, BASE_TIME, sampleEvent, TEST_CHECKPOINT_KEY } from '../support/audit-chain.js';
import { scratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';

const DAY = 86_400;
// Sorted most specific first, as the loader delivers them.
const RULES: RetentionRule[] = [
  { action: 'query', period: 1 * DAY },
  { action: 'access.*', period: 7 * 365 * DAY },
  { action: 'default', period: 30 * DAY },
];

let db: ScratchKoeDb;
beforeAll(async () => {
  db = await scratchKoeDb();
});
afterAll(async () => db?.drop());

/** One event per action, a minute apart from BASE_TIME on. */
async function chainOf(actions: string[]): Promise<void> {
  await asSuperuser(db, 'truncate audit_event, audit_checkpoint');
  await appendAuditEvents(db.orm.em.fork(), actions.map((action, i) => ({ ...sampleEvent(i + 1), action })));
}

const twoDaysLater = new Date(BASE_TIME + 2 * DAY * 1000);

describe(periodFor.name, () => {
  it.each([
    ['query', DAY],
    ['access.grantRole', 7 * 365 * DAY],
    ['mutation', 30 * DAY],
  ])('%s is kept %s seconds', (action, period) => expect(periodFor(action, RULES)).toBe(period));

  it('keeps an action no rule names when there is no default', () => {
    expect(periodFor('mutation', RULES.slice(0, 2))).toBeNull();
  });
});

describe(planRetention.name, () => {
  it('stops at the first event still within its period and reports expired events behind it as held back', async () => {
    await chainOf(['query', 'authenticate', 'query', 'access.grantRole', 'query', 'query']);
    const plan = await planRetention(db.sql, RULES, new Date(BASE_TIME + 40 * DAY * 1000));
    expect(plan).toMatchObject({ events: 3, byAction: { query: 2, authenticate: 1 }, cut: { seq: '3' }, firstKept: { seq: '4', action: 'access.grantRole' }, heldBack: 2 });
  });

  it('keeps everything when the first event is within its period', async () => {
    await chainOf(['mutation', 'query']);
    expect(await planRetention(db.sql, RULES, twoDaysLater)).toMatchObject({ events: 0, cut: null, heldBack: 1 });
  });
});

describe(pruneByRetention.name, () => {
  it('removes the expired prefix through koe_audit_prune and leaves a chain that verifies', async () => {
    await chainOf(['query', 'query', 'mutation', 'query']);
    const { removed, plan } = await pruneByRetention(db.orm.em.fork(), db.sql, TEST_CHECKPOINT_KEY, RULES, twoDaysLater);
    expect(plan).toMatchObject({ events: 2, firstKept: { seq: '3' }, heldBack: 1 });
    expect(removed).toBe(2);
    expect((await db.sql<{ seq: string }>('select seq::text as seq from audit_event order by audit_event.seq')).map((r) => r.seq)).toEqual(['3', '4']);
    expect(await verifyChain(db.sql, { key: TEST_CHECKPOINT_KEY })).toMatchObject({ ok: true });
  });

  // Guards against emptying the table: the next append would restart at seq 1 behind the checkpoint.
  it('keeps the head when every event is expired, so later appends continue the same chain', async () => {
    await chainOf(['query', 'authenticate', 'query']);
    const { removed } = await pruneByRetention(db.orm.em.fork(), db.sql, TEST_CHECKPOINT_KEY, RULES, new Date(BASE_TIME + 60 * DAY * 1000));
    expect(removed).toBe(2);
    await appendAuditEvents(db.orm.em.fork(), [sampleEvent(9)]);
    expect((await db.sql<{ seq: string }>('select seq::text as seq from audit_event order by audit_event.seq')).map((r) => r.seq)).toEqual(['3', '4']);
    expect(await verifyChain(db.sql, { key: TEST_CHECKPOINT_KEY })).toMatchObject({ ok: true });
  });
});
