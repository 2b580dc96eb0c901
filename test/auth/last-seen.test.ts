/**
 * The last-seen throttle is per database: two servers of one process (a test worker running file
 * after file, or two platforms on two databases) each write their own principal's `last_seen_at`.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { touchLastSeen } from '../../src/auth/last-seen.js';
import { scratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';

const ID = 'p-last-seen';
let one: ScratchKoeDb;
let two: ScratchKoeDb;

beforeAll(async () => {
  [one, two] = await Promise.all([scratchKoeDb(), scratchKoeDb()]);
  for (const db of [one, two]) {
    await db.sql(`insert into principal (id, display_name, roles, attributes, created_at) values (?, 'x', '{analyst}', '{}', now())`, [ID]);
  }
});
afterAll(async () => {
  await one?.drop();
  await two?.drop();
});

const lastSeen = async (db: ScratchKoeDb) => (await db.sql<{ last_seen_at: string | null }>('select last_seen_at from principal where id = ?', [ID]))[0]?.last_seen_at;

async function until(probe: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 400 && !(await probe()); i++) await new Promise((r) => setTimeout(r, 25));
}

it("writes one database's row though the same principal was just seen on another", async () => {
  const now = Date.now();
  touchLastSeen(one.orm.em.fork(), 'principal', ID, now);
  await until(() => lastSeen(one));
  expect(await lastSeen(one)).not.toBeNull();
  touchLastSeen(two.orm.em.fork(), 'principal', ID, now + 1);
  await until(() => lastSeen(two));
  expect(await lastSeen(two)).not.toBeNull();
});
