/**
 * Keyset pagination without a database: page sizes, cursors (round trip, and every malformed one a
 * BAD_USER_INPUT naming `after`), the "after" condition with nulls last, and page assembly.
 */
import { describe, expect, it } from 'vitest';
import { afterCursor, decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, MAX_PAGE_SIZE, pageSize, toPage } from '../../src/resolvers/pagination.js';

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

describe('cursors', () => {
  it.each([
    ['a string', 'Yamada', 'id-1'],
    ['a number', 7, 'id-2'],
    ['zero', 0, 'id-0'],
    ['null', null, 'id-3'],
    ['an empty string', '', 'id-4'],
  ])('round-trip %s sort value with its id', (_what, value, id) => {
    const cursor = encodeCursor(value, id);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual({ value, id });
  });

  it('passes no cursor through as null', () => {
    expect(decodeCursor(null)).toBeNull();
    expect(decodeCursor(undefined)).toBeNull();
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor!'],
    ['an empty string', ''],
    ['a JSON object', b64('{"value":1,"id":"x"}')],
    ['a one-element array', b64('["x"]')],
    ['a three-element array', b64('[1,"x","y"]')],
    ['a numeric id', b64('[1,2]')],
    ['an object sort value', b64('[{"a":1},"x"]')],
    ['a boolean sort value', b64('[true,"x"]')],
    ['an array sort value', b64('[[1],"x"]')],
    ['JSON null', b64('null')],
  ])('refuses %s with BAD_USER_INPUT naming after', (_what, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument: 'after' }) }));
    expect(() => decodeCursor(cursor)).toThrow('malformed cursor');
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
    const page = toPage(rows, 2, (r) => r.n, async () => 42);
    expect(page.edges.map((e) => e.node.id)).toEqual(['id-1', 'id-2']);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(decodeCursor(page.pageInfo.endCursor)).toEqual({ value: 2, id: 'id-2' });
    expect(decodeCursor(page.edges[0]!.cursor)).toEqual({ value: 1, id: 'id-1' });
    expect(await page.totalCount).toBe(42);
  });

  it('keeps every row of a last page and has no next page', () => {
    const page = toPage(rows, 3, (r) => r.n, async () => 3);
    expect(page.edges).toHaveLength(3);
    expect(page.pageInfo).toEqual({ hasNextPage: false, endCursor: encodeCursor(3, 'id-3') });
  });

  it('answers an empty page with no end cursor, and counts only when asked', () => {
    let counted = 0;
    const page = toPage([], 5, () => null, async () => ++counted);
    expect(page.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
    expect(counted).toBe(0);
  });
});
