/**
 * Relay connections with keyset pagination: a cursor is the sort value and the id of the last row,
 * opaque to clients, signed and tagged with its list, so every malformed, forged or foreign one is
 * BAD_USER_INPUT naming `after` rather than a server error.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { BadUserInputError } from '../schema/errors.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export type SortValue = string | number | null;

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0) throw new BadUserInputError('first', 'must be a non-negative integer');
  if (first > MAX_PAGE_SIZE) throw new BadUserInputError('first', `must be at most ${MAX_PAGE_SIZE}`);
  return first;
}

export interface CursorPosition {
  value: SortValue;
  id: string;
}

/** The cursors of one list in one order: `decode` accepts only cursors `encode` made for the same list. */
export interface ListCursors {
  encode(value: SortValue, id: string): string;
  decode(cursor: string | null | undefined): CursorPosition | null;
}

const MAC_BYTES = 16;
const MAX_CURSOR_LENGTH = 1024;

/**
 * Cursors are `<payload>.<mac>`: the payload names the list and order it came from with the sort
 * value and id of the row; the MAC (HMAC-SHA256 under a key derived for cursors alone) makes a
 * made-up cursor, or one edited to point elsewhere, recognisable before it reaches SQL.
 */
export class Cursors {
  private readonly key: Buffer;

  constructor(secret: Uint8Array) {
    this.key = Buffer.from(hkdfSync('sha256', secret, new Uint8Array(0), 'koe cursor signing v1', 32));
  }

  /** `list` names the connection and its order, e.g. `feedbacks:rating:desc`. */
  of(list: string): ListCursors {
    return {
      encode: (value, id) => {
        const payload = Buffer.from(JSON.stringify([list, value, id]), 'utf8').toString('base64url');
        return `${payload}.${this.mac(payload)}`;
      },
      decode: (cursor) => (cursor === null || cursor === undefined ? null : this.open(list, cursor)),
    };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest().subarray(0, MAC_BYTES).toString('base64url');
  }

  private open(list: string, cursor: string): CursorPosition {
    const forged = () => new BadUserInputError('after', 'not a cursor Koe issued; pass an endCursor or cursor from a previous page of this list');
    const dot = cursor.indexOf('.');
    if (dot < 0 || cursor.length > MAX_CURSOR_LENGTH) throw forged();
    const payload = cursor.slice(0, dot);
    const given = Buffer.from(cursor.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(payload), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw forged();
    const [from, value, id] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [string, SortValue, string];
    if (from !== list) throw new BadUserInputError('after', 'this cursor belongs to another list or order; pass one from a previous page of this list in the same order');
    return { value, id };
  }
}

/**
 * The keyset condition "after (value, id)" for an order on `field` then `id`, in MikroORM's
 * query language. Nulls sort last in both directions (the queries say NULLS LAST).
 */
export function afterCursor(field: string, desc: boolean, cursor: CursorPosition): object {
  const op = desc ? '$lt' : '$gt';
  if (cursor.value === null) return { [field]: null, id: { [op]: cursor.id } };
  return {
    $or: [
      { [field]: { [op]: cursor.value } },
      { [field]: cursor.value, id: { [op]: cursor.id } },
      { [field]: null },
    ],
  };
}

export interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** Counted only when the field is selected: a getter, because the generated field resolver reads a property. */
  readonly totalCount: Promise<number>;
}

/** An edge encodes its cursor only when a client selects it: most pages are read without them. */
class Edge<T extends { id: string }> {
  constructor(
    readonly node: T,
    private readonly sortValue: (row: T) => SortValue,
    private readonly cursors: ListCursors,
  ) {}

  get cursor(): string {
    return this.cursors.encode(this.sortValue(this.node), this.node.id);
  }
}

export function toPage<T extends { id: string }>(
  rows: T[],
  size: number,
  sortValue: (row: T) => SortValue,
  count: () => Promise<number>,
  cursors: ListCursors,
): Page<T> {
  const hasNextPage = rows.length > size;
  const nodes = hasNextPage ? rows.slice(0, size) : rows;
  const edges = nodes.map((node) => new Edge(node, sortValue, cursors));
  return {
    edges,
    pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
    get totalCount() {
      return count();
    },
  };
}
