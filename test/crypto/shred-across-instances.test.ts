/**
 * Erasure served by one instance (or, under `koe start`, by the audit subgraph's process) while
 * another holds the customer's unwrapped key in its cache. Guards against the other instance
 * sealing a later write under the destroyed key from memory: it must refuse the write as for any
 * erased customer, and nothing readable may be stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldCrypto } from '../../src/data/encryption/index.js';
import { generateDemoData } from '../../src/data/seed/demo-data.js';
import { testCrypto } from '../support/crypto.js';
import { postAs, startTestKoe, type TestKoe } from '../support/koe.js';
import { seededScratchKoe, type ScratchKoeDb } from '../support/scratch-koe-db.js';

const OPTS = { customers: 8, feedback: 20 };
const erased = generateDemoData(OPTS).customers[0]!;

let db: ScratchKoeDb;
let one: TestKoe;
let two: TestKoe;
let stop: (() => Promise<void>) | undefined;
let twoCrypto: FieldCrypto;
beforeAll(async () => {
  ({ db, koe: one, stop } = await seededScratchKoe(OPTS));
  two = await startTestKoe(undefined, { databaseUrl: db.url });
  twoCrypto = await testCrypto(two.orm);
}, 120_000);
afterAll(async () => {
  await two?.stop();
  await stop?.();
});

const UPSERT = 'mutation($in: UpsertCustomerInput!) { upsertCustomer(input: $in) { id } }';
const READ = 'query($id: ID!) { customer(id: $id) { id email } }';

describe('a customer erased through another instance', () => {
  it('is refused a write by the instance that still holds their key in memory', async () => {
    const warm = await postAs(two, 'p-admin', READ, { id: erased.id });
    expect((warm.data as { customer: { email: string } }).customer.email).toBe(erased.email);
    expect(twoCrypto.cachedKey(erased.id)).toBeDefined();

    const erase = await postAs(one, 'p-dpo', 'mutation($id: ID!) { requestErasure(customerId: $id, reason: "APPI Art. 35 request, ref. T-31") { customerId } }', { id: erased.id }, 'compliance');
    expect(erase.errors).toBeUndefined();
    // The erasing instance evicted its copy; the other one did not hear of it.
    expect(twoCrypto.cachedKey(erased.id)).toBeDefined();

    const write = await postAs(two, 'p-admin', UPSERT, { in: { id: erased.id, name: '復活 太郎', email: 'revived.after.erasure@example.jp' } });
    expect(write.data).toBeNull();
    expect(write.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(write.errors?.[0]?.message).toMatch(/erased/);
    const [row] = (await db.sql('select name, email from customer where id = ?', [erased.id])) as Array<{ name: string; email: string }>;
    expect(row).toEqual({ name: '', email: '' });
    expect(twoCrypto.cachedKey(erased.id)).toBeUndefined();
  });
});
