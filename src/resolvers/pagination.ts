/**
 * Relay connections with keyset pagination: a cursor is the sort value and the id of the last row,
 * opaque to clients, and every malformed one is BAD_USER_INPUT rather than a server error.
 */
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

export function encodeCursor(value: SortValue, id: string): string {
  return Buffer.from(JSON.stringify([value, id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined): { value: SortValue; id: string } | null {
  if (cursor === null || cursor === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === 'string') {
      const [value, id] = parsed as [unknown, string];
      if (value === null || typeof value === 'string' || typeof value === 'number') return { value, id };
    }
  } catch {
    // fall through: any undecodable cursor is the caller's mistake
  }
  throw new BadUserInputError('after', 'malformed cursor; pass an endCursor or cursor from a previous page');
}

/**
 * The keyset condition "after (value, id)" for an order on `field` then `id`, in MikroORM's
 * query language. Nulls sort last in both directions (the queries say NULLS LAST).
 */
export function afterCursor(field: string, desc: boolean, cursor: { value: SortValue; id: string }): object {
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
  ) {}

  get cursor(): string {
    return encodeCursor(this.sortValue(this.node), this.node.id);
  }
}

export function toPage<T extends { id: string }>(
  rows: T[],
  size: number,
  sortValue: (row: T) => SortValue,
  count: () => Promise<number>,
): Page<T> {
  const hasNextPage = rows.length > size;
  const nodes = hasNextPage ? rows.slice(0, size) : rows;
  const edges = nodes.map((node) => new Edge(node, sortValue));
  return {
    edges,
    pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
    get totalCount() {
      return count();
    },
  };
}
