/**
 * The shared alert counters in Postgres, and what a process may skip: once an after-hours window is
 * claimed or a first-seen item is known, further checks settle without a statement, and a new
 * window or a new item goes to the database again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertCheck } from '../../src/audit/alerts/alert-checks.js';
import { markAndCount, type AlertMemory } from '../../src/audit/alerts/alert-marks.js';
import type { Sql } from '../../src/audit/chain-reader.js';
import { scratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';

let db: ScratchKoeDb;
beforeAll(async () => {
  db = await scratchKoeDb();
});
afterAll(async () => db?.drop());

/** The database, counting the statements it is sent. */
function counting(): { sql: Sql; statements: () => number } {
  let n = 0;
  return { sql: (q, p) => (n++, db.sql(q, p)), statements: () => n };
}

const afterHours = (subject: string, requestId: string): AlertCheck => ({ rule: 'after_hours', subject, items: [requestId], threshold: 0, window: 3600 });
const newAddress = (subject: string, address: string): AlertCheck => ({ rule: 'bi_new_address', subject, items: [address], threshold: 1, window: 0, firstSeen: true });

describe(markAndCount.name, () => {
  it('fires after hours once per window, then settles later requests in that window without a statement', async () => {
    const at = new Date('2026-11-28T20:10:00Z');
    const { sql, statements } = counting();
    const memory: AlertMemory = new Map();
    expect(await markAndCount(sql, afterHours('p-night', 'r1'), at, memory)).toBe(1);
    const used = statements();
    expect(used).toBeGreaterThan(0);
    expect(await markAndCount(sql, afterHours('p-night', 'r2'), new Date('2026-11-28T20:40:00Z'), memory)).toBeNull();
    expect(statements()).toBe(used);
    // Another principal, and the next hour, go to the database and fire.
    expect(await markAndCount(sql, afterHours('p-other', 'r3'), at, memory)).toBe(1);
    // The count slides over the last hour (r1 and r4); the alert is one per aligned hour.
    expect(await markAndCount(sql, afterHours('p-night', 'r4'), new Date('2026-11-28T21:05:00Z'), memory)).toBe(2);
  });

  it('does not fire after hours when another instance claimed the window first', async () => {
    const at = new Date('2026-11-28T22:10:00Z');
    const windowStart = Math.floor(at.getTime() / 1000 / 3600) * 3600;
    await db.sql(`insert into audit_alert_mark (rule, subject, bucket, item) values ('after_hours', 'p-claimed', ?, '!alerted')`, [-windowStart]);
    expect(await markAndCount(db.sql, afterHours('p-claimed', 'r1'), at, new Map())).toBeNull();
  });

  it('fires on a new address after a known one, and skips the database for an address it already knows', async () => {
    const at = new Date();
    const { sql, statements } = counting();
    const memory: AlertMemory = new Map();
    expect(await markAndCount(sql, newAddress('p-bi', '10.0.0.1'), at, memory)).toBeNull();
    const used = statements();
    expect(await markAndCount(sql, newAddress('p-bi', '10.0.0.1'), at, memory)).toBeNull();
    expect(statements()).toBe(used);
    expect(await markAndCount(sql, newAddress('p-bi', '10.0.0.2'), at, memory)).toBe(2);
  });

  it("keeps what it settled to one sink: another server in the process (maybe on another database) asks its database", async () => {
    const at = new Date('2026-11-29T20:10:00Z');
    const { sql, statements } = counting();
    const mine: AlertMemory = new Map();
    expect(await markAndCount(sql, afterHours('p-shared', 'r1'), at, mine)).toBe(1);
    expect(await markAndCount(sql, newAddress('p-bi-shared', '10.0.0.9'), at, mine)).toBeNull();
    const used = statements();
    const another: AlertMemory = new Map();
    expect(await markAndCount(sql, afterHours('p-shared', 'r2'), at, another)).toBeNull();
    expect(await markAndCount(sql, newAddress('p-bi-shared', '10.0.0.9'), at, another)).toBeNull();
    expect(statements()).toBeGreaterThan(used + 1);
  });
});
