/**
 * Keyset pagination without a database: page sizes, signed cursors (round trip; every malformed,
 * forged or foreign one a BAD_USER_INPUT naming `after`), the "after" condition with nulls last, and page assembly.
 */
import { describe, expect, it } from 'vitest';
import { afterCursor, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageSize, toPage } from '../../src/resolvers/pagination.js';
import { Cursors } from '../../src/request/cursors.js';

const LIST = new Cursors(new TextEncoder().encode('koe-test-secret-not-for-production-0123456789')).of('test:n:asc');

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

describe(pageSize.name, () => {
  it.each([
    [null, DEFAULT_PAGE_SIZE],
    [undefined, DEFAULT_PAGE_SIZE],
    [0, 0],
    [1, 1],
    [MAX_PAGE_SIZE, MAX_PAGE_SIZE],
  ])('takes first = %s as %s', (first, size) => {
    expect(pageSize(first)).toBe(size);
  });

  it.each([
    [-1, 'must be a non-negative integer'],
    [1.5, 'must be a non-negative integer'],
    [MAX_PAGE_SIZE + 1, `must be at most ${MAX_PAGE_SIZE}`],
  ])('refuses first = %s with BAD_USER_INPUT on first', (first, reason) => {
    expect(() => pageSize(first)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument: 'first' }) }));
    expect(() => pageSize(first)).toThrow(reason);
  });

  it('has the documented bounds', () => {
    expect([DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE]).toEqual([20, 100]);
  });
});

describe(Cursors.name, () => {
  const SECRET = new TextEncoder().encode('koe-test-secret-not-for-production-0123456789');
  const customers = new Cursors(SECRET).of('customers:createdAt:asc');
  const feedbacks = new Cursors(SECRET).of('feedbacks:rating:desc');
  const refusal = expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument: 'after' }) });

  it.each([
    ['a string', 'Yamada', 'id-1'],
    ['a number', 7, 'id-2'],
    ['zero', 0, 'id-0'],
    ['null', null, 'id-3'],
    ['an empty string', '', 'id-4'],
  ])('round-trip %s sort value with its id', (_what, value, id) => {
    const cursor = customers.encode(value, id);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(customers.decode(cursor)).toEqual({ value, id });
  });

  it('passes no cursor through as null', () => {
    expect(customers.decode(null)).toBeNull();
    expect(customers.decode(undefined)).toBeNull();
  });

  const good = customers.encode('Yamada', 'id-1');
  const [payload, mac] = good.split('.') as [string, string];
  it.each([
    ['not a cursor', 'not-a-cursor!', 'not a cursor Koe issued'],
    ['an empty string', '', 'not a cursor Koe issued'],
    ['an unsigned payload (the old format)', b64('["Yamada","id-1"]'), 'not a cursor Koe issued'],
    ['a payload edited to point elsewhere', `${b64('["customers:createdAt:asc","Yamada","id-2"]')}.${mac}`, 'not a cursor Koe issued'],
    ['a MAC cut short', `${payload}.${mac.slice(0, -2)}`, 'not a cursor Koe issued'],
    ['a cursor past the length bound', `${payload}.${mac}${'A'.repeat(1100)}`, 'not a cursor Koe issued'],
    ['a cursor signed under another secret', new Cursors(new TextEncoder().encode('another-secret')).of('customers:createdAt:asc').encode('Yamada', 'id-1'), 'not a cursor Koe issued'],
    ["another list's cursor", feedbacks.encode(7, 'id-1'), 'belongs to another list or order'],
  ])('refuses %s with BAD_USER_INPUT naming after', (_what, cursor, message) => {
    expect(() => customers.decode(cursor)).toThrow(refusal);
    expect(() => customers.decode(cursor)).toThrow(message);
  });
});

describe(afterCursor.name, () => {
  it('pages ascending after a value: greater, or equal with a greater id, or null (nulls last)', () => {
    expect(afterCursor('rating', false, { value: 3, id: 'k' })).toEqual({
      $or: [{ rating: { $gt: 3 } }, { rating: 3, id: { $gt: 'k' } }, { rating: null }],
    });
  });

  it('pages descending with $lt, nulls still last', () => {
    expect(afterCursor('rating', true, { value: 3, id: 'k' })).toEqual({
      $or: [{ rating: { $lt: 3 } }, { rating: 3, id: { $lt: 'k' } }, { rating: null }],
    });
  });

  it.each([
    [false, '$gt'],
    [true, '$lt'],
  ])('after a null value (desc %s) stays among the nulls, ordered by id', (desc, op) => {
    expect(afterCursor('rating', desc, { value: null, id: 'k' })).toEqual({ rating: null, id: { [op]: 'k' } });
  });
});

describe(toPage.name, () => {
  const rows = [1, 2, 3].map((n) => ({ id: `id-${n}`, n }));

  it('cuts the extra row and says there is a next page, ending at the last row kept', async () => {
    const page = toPage(rows, 2, (r) => r.n, async () => 42, LIST);
    expect(page.edges.map((e) => e.node.id)).toEqual(['id-1', 'id-2']);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(LIST.decode(page.pageInfo.endCursor)).toEqual({ value: 2, id: 'id-2' });
    expect(LIST.decode(page.edges[0]!.cursor)).toEqual({ value: 1, id: 'id-1' });
    expect(await page.totalCount).toBe(42);
  });

  it('keeps every row of a last page and has no next page', () => {
    const page = toPage(rows, 3, (r) => r.n, async () => 3, LIST);
    expect(page.edges).toHaveLength(3);
    expect(page.pageInfo).toEqual({ hasNextPage: false, endCursor: LIST.encode(3, 'id-3') });
  });

  it('answers an empty page with no end cursor, and counts only when asked', () => {
    let counted = 0;
    const page = toPage([], 5, () => null, async () => ++counted, LIST);
    expect(page.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
    expect(counted).toBe(0);
  });
});
