/**
 * Text search over encrypted subjects and bodies: the database cannot look inside ciphertext, so candidate rows
 * (every other filter and the row policy already applied in SQL) are read in keyset order, opened
 * here and matched. A page stops at `first` matches or after SCAN_LIMIT rows; then its end cursor
 * points at the last row read, so the next page goes on from there instead of starting over.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { NIL_OWNER, type FieldCrypto } from '../../data/encryption/index.js';
import { FeedbackEntity } from '../../data/entities/index.js';
import type { TouchedRows } from '../../data/touched-rows.js';
import { leanFind, type Lean } from '../../data/lean-rows.js';

type FeedbackRow = Lean<FeedbackEntity>;
import { BadUserInputError } from '../../request/errors.js';
import type { Page } from '../pagination.js';
import type { ListCursors, SortValue } from '../../request/cursors.js';

const BATCH = 250;
/** Rows read for one page before it is returned short (with hasNextPage and a cursor to go on). */
export const SCAN_LIMIT = 5_000;
/** Rows `totalCount` may read under a text search; more means the search must be narrowed. */
export const COUNT_LIMIT = 50_000;

export interface SearchPlan {
  em: EntityManager;
  touched: TouchedRows;
  crypto: FieldCrypto;
  text: string;
  size: number;
  /** The SQL condition without the text, and the keyset condition after a row. */
  where: object;
  after: (row: FeedbackRow) => object;
  start: object | null;
  orderBy: object[];
  sortValue: (row: FeedbackRow) => SortValue;
  cursors: ListCursors;
  /** The properties each candidate row is read with (sort key, subject and body included); null: all. */
  properties: readonly string[] | null;
}

const fold = (s: string) => s.normalize('NFKC').toLowerCase();

export async function searchFeedback(plan: SearchPlan): Promise<Page<FeedbackRow>> {
  const needle = fold(plan.text);
  const matched: FeedbackRow[] = [];
  let position = plan.start;
  let scanned = 0;
  let last: FeedbackRow | null = null;
  let exhausted = false;
  while (matched.length <= plan.size && scanned < SCAN_LIMIT) {
    const where = position ? { $and: [plan.where, position] } : plan.where;
    const rows = await leanFind(plan.em, plan.touched, FeedbackEntity, where, { orderBy: plan.orderBy as never, limit: BATCH, properties: plan.properties });
    const keys = await plan.crypto.loadKeys(plan.em, [...new Set(rows.map(ownerOf))]);
    for (const row of rows) {
      scanned++;
      last = row;
      if (matches(plan.crypto, keys, row, needle)) matched.push(row);
      if (matched.length > plan.size) break;
    }
    if (rows.length < BATCH && matched.length <= plan.size) {
      exhausted = true;
      break;
    }
    position = plan.after(last!);
  }
  const hasNextPage = matched.length > plan.size || !exhausted;
  const nodes = matched.slice(0, plan.size);
  const edges = nodes.map((node) => ({ cursor: plan.cursors.encode(plan.sortValue(node), node.id), node }));
  // Cut short by the scan limit: the cursor resumes after the last row read, matched or not.
  const resumeAt = matched.length > plan.size ? nodes.at(-1) : hasNextPage ? last : nodes.at(-1);
  return {
    edges,
    pageInfo: { hasNextPage, endCursor: resumeAt ? plan.cursors.encode(plan.sortValue(resumeAt), resumeAt.id) : null },
    get totalCount() {
      return countMatches(plan, needle);
    },
  };
}

async function countMatches(plan: SearchPlan, needle: string): Promise<number> {
  let count = 0;
  let scanned = 0;
  let position: object | null = null;
  for (;;) {
    const where = position ? { $and: [plan.where, position] } : plan.where;
    const rows = await leanFind(plan.em, plan.touched, FeedbackEntity, where, { orderBy: plan.orderBy as never, limit: 1000, properties: plan.properties });
    const keys = await plan.crypto.loadKeys(plan.em, [...new Set(rows.map(ownerOf))]);
    for (const row of rows) if (matches(plan.crypto, keys, row, needle)) count++;
    scanned += rows.length;
    if (rows.length < 1000) return count;
    if (scanned >= COUNT_LIMIT) {
      throw new BadUserInputError('filter.text', `totalCount would read over ${COUNT_LIMIT} encrypted bodies; narrow the search (receivedAfter, channel, customerId)`);
    }
    position = plan.after(rows[rows.length - 1]!);
  }
}

function ownerOf(row: FeedbackRow): string {
  return row.customer?.id ?? NIL_OWNER;
}

function matches(crypto: FieldCrypto, keys: Map<string, Buffer>, row: FeedbackRow, needle: string): boolean {
  const key = keys.get(ownerOf(row));
  // A shredded customer's feedback has no readable subject or body: it cannot match.
  if (!key) return false;
  for (const column of ['subject', 'body'] as const) {
    const stored = row[column];
    if (stored === null || stored === undefined) continue;
    try {
      if (fold(crypto.decrypt(key, 'feedback', column, row.id, stored)!).includes(needle)) return true;
    } catch {
      // A value that fails its integrity check matches nothing; the other column may still.
    }
  }
  return false;
}
