/**
 * Relay connections with keyset pagination over the signed cursors of `src/request/cursors.ts`.
 */
import { BadUserInputError } from '../request/errors.js';
import type { KoeContext } from '../request/context.js';
import type { CursorPosition, ListCursors, SortValue } from '../request/cursors.js';

/** What a list reads with: the request's entity manager, policy view, keys, cursors and touched rows. */
export type ListContext = Pick<KoeContext, 'em' | 'access' | 'crypto' | 'cursors' | 'touched' | 'allColumns'>;

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0) throw new BadUserInputError('first', 'must be a non-negative integer');
  if (first > MAX_PAGE_SIZE) throw new BadUserInputError('first', `must be at most ${MAX_PAGE_SIZE}`);
  return first;
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
