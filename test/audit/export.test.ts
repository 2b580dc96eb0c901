/** `exportEvents` streams a time range as JSON lines, batch by batch, in seq order. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportEvents } from '../../src/audit/export.js';
import { BASE_TIME, buildChain } from '../support/audit-chain.js';
import { scratchKoeDb, type ScratchKoeDb } from '../support/scratch-koe-db.js';

let db: ScratchKoeDb;
beforeAll(async () => {
  db = await scratchKoeDb();
  await buildChain(db, 300);
});
afterAll(async () => db?.drop());

const minute = (i: number) => new Date(BASE_TIME + i * 60_000);

describe(exportEvents.name, () => {
  it.each([
    ['everything', minute(0), undefined, 300, 1, 300],
    ['from a time on', minute(250), undefined, 51, 250, 300],
    ['a closed range (until exclusive)', minute(10), minute(20), 10, 10, 19],
    ['a range with no events', minute(1000), undefined, 0, null, null],
  ])('exports %s', async (_what, since, until, count, first, last) => {
    const lines: string[] = [];
    const n = await exportEvents(db.sql, { since, until, batchSize: 7 }, (line) => void lines.push(line));
    expect(n).toBe(count);
    const seqs = lines.map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(seqs[0] ?? null).toBe(first);
    expect(seqs[seqs.length - 1] ?? null).toBe(last);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
  });

  it('writes the fields of the GraphQL AuditEvent', async () => {
    const lines: string[] = [];
    await exportEvents(db.sql, { since: minute(5), until: minute(6) }, (l) => void lines.push(l));
    expect(JSON.parse(lines[0]!)).toMatchObject({
      seq: 5,
      at: minute(5).toISOString(),
      actorId: 'p-2',
      action: 'query',
      resources: ['Customer:c-5'],
      fields: [{ field: 'Customer.email', decision: 'MASKED', count: 5 }],
      prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });
});
