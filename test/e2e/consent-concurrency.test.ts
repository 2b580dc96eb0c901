/**
 * Guards against two active consents for one customer and purpose: the consent platform resending
 * a grant while the first is still in flight used to insert a second active row (each call found
 * none), which a later withdrawal would leave half in force. Ten grants race through the gateway;
 * the migration folds duplicates stored before the unique index existed.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateUp } from '../../src/data/migrate.js';
import { generateDemoData } from '../../src/data/seed/demo-data.js';
import { postAs, type GraphQLBody, type TestKoe } from '../support/koe.js';
import { seededScratchKoe, type ScratchKoeDb } from '../support/scratch-koe-db.js';

const OPTS = { customers: 20, feedback: 20 };
const demo = generateDemoData(OPTS);
const without = (purpose: string) => demo.customers.filter((c) => !demo.consents.some((k) => k.customerId === c.id && k.purpose === purpose && k.withdrawnAt === null));
const RECORD = `mutation($id: ID!, $purpose: String!, $source: String!) { recordConsent(customerId: $id, purpose: $purpose, source: $source) { purpose grantedAt withdrawnAt source } }`;

let db: ScratchKoeDb;
let koe: TestKoe;
let stop: (() => Promise<void>) | undefined;
beforeAll(async () => {
  ({ db, koe, stop } = await seededScratchKoe(OPTS));
}, 120_000);
afterAll(() => stop?.());

const activeRows = (customerId: string, purpose: string) =>
  db.sql<{ id: string; granted_at: Date; source: string }>(`select id, granted_at, source from consent where customer_id = ? and purpose = ? and withdrawn_at is null`, [customerId, purpose]);

describe('recordConsent under concurrency', () => {
  it('ten grants at once: every call succeeds and returns the same consent, one active row is stored', { timeout: 30_000 }, async () => {
    const customer = without('transfer_abroad')[0]!;
    const calls = await Promise.all(
      Array.from({ length: 10 }, (_, i) => postAs(koe, i % 2 ? 'p-ingest' : 'p-admin', RECORD, { id: customer.id, purpose: 'transfer_abroad', source: `web${i}` })),
    );
    for (const res of calls) expect(res.errors).toBeUndefined();
    const consents = calls.map((r: GraphQLBody) => (r.data as { recordConsent: { grantedAt: string; source: string; withdrawnAt: null } }).recordConsent);
    expect(new Set(consents.map((c) => `${c.grantedAt}|${c.source}`)).size).toBe(1);
    const rows = await activeRows(customer.id, 'transfer_abroad');
    expect(rows).toHaveLength(1);
    expect(new Date(rows[0]!.granted_at).toISOString()).toBe(consents[0]!.grantedAt);
    const [all] = await db.sql<{ n: number }>(`select count(*)::int as n from consent where customer_id = ? and purpose = 'transfer_abroad'`, [customer.id]);
    expect(all!.n).toBe(1);
  });

  it('refuses a second active row for the same purpose in the database itself', async () => {
    const customer = without('third_party')[0]!;
    const insert = () => db.sql(`insert into consent (id, customer_id, purpose, granted_at, source) values (?, ?, 'third_party', now(), 'test')`, [randomUUID(), customer.id]);
    await insert();
    await expect(insert()).rejects.toThrow(/consent_one_active_idx/);
  });
});

describe('Migration20261204110000_OneActiveConsent', () => {
  it('folds duplicates stored before: the earliest grant stays active, later ones close at their own grant time', async () => {
    const customer = without('third_party')[1]!;
    await db.sql(`drop index consent_one_active_idx`);
    await db.sql(`delete from mikro_orm_migrations where name like 'Migration20261204110000%'`);
    const at = (d: string) => new Date(`2026-0${d}T00:00:00Z`);
    const rows = [
      { id: randomUUID(), granted: at('3-01'), withdrawn: null },
      { id: randomUUID(), granted: at('1-01'), withdrawn: null }, // earliest: kept
      { id: randomUUID(), granted: at('2-01'), withdrawn: null },
      { id: randomUUID(), granted: at('1-01'), withdrawn: at('1-15') }, // history, untouched
    ];
    for (const r of rows) {
      await db.sql(`insert into consent (id, customer_id, purpose, granted_at, withdrawn_at, source) values (?, ?, 'third_party', ?, ?, 'legacy')`, [r.id, customer.id, r.granted, r.withdrawn]);
    }
    expect(await migrateUp(db.orm)).toEqual(['Migration20261204110000_OneActiveConsent']);

    const after = await db.sql<{ id: string; granted_at: Date; withdrawn_at: Date | null }>(
      `select id, granted_at, withdrawn_at from consent where customer_id = ? and purpose = 'third_party'`,
      [customer.id],
    );
    const closed = new Map(after.map((r) => [r.id, r.withdrawn_at === null ? null : new Date(r.withdrawn_at).toISOString()]));
    expect(closed.get(rows[1]!.id)).toBeNull();
    expect(closed.get(rows[0]!.id)).toBe(rows[0]!.granted.toISOString());
    expect(closed.get(rows[2]!.id)).toBe(rows[2]!.granted.toISOString());
    expect(closed.get(rows[3]!.id)).toBe(rows[3]!.withdrawn!.toISOString());
    expect(after).toHaveLength(4);
    const [index] = await db.sql<{ n: number }>(`select count(*)::int as n from pg_indexes where indexname = 'consent_one_active_idx'`);
    expect(index!.n).toBe(1);
  });
});
