/** Building the feedback list query: filters, search and orders checked against the policy, then keyset SQL. */
import { FeedbackEntity } from '../../data/entities/index.js';
import { leanFind, type Lean } from '../../data/lean-rows.js';
import { isPiiKind, PII_KINDS } from '../../policies/detector/categories.js';
import { FeedbackOrderField, OrderDirection } from '../../schema/enums.js';
import { BadUserInputError } from '../../request/errors.js';
import type { FeedbackFilter, FeedbackOrder } from '../../schema/inputs/feedback.input.js';
import { withRows, type RequestAccess } from '../../request/access.js';
import { uuidArg } from '../ids.js';
import { afterCursor, pageSize, toPage, type ListContext, type Page } from '../pagination.js';
import type { SortValue } from '../../request/cursors.js';
import { searchFeedback } from './feedback-search.js';
import type { GraphQLResolveInfo } from 'graphql';
import { selectedProperties } from '../selected-columns.js';

const ORDER_FIELDS: Record<FeedbackOrderField, 'receivedAt' | 'rating'> = {
  [FeedbackOrderField.RECEIVED_AT]: 'receivedAt',
  [FeedbackOrderField.RATING]: 'rating',
};

export interface FeedbackListArgs {
  filter?: FeedbackFilter | null;
  orderBy?: FeedbackOrder | null;
  first?: number | null;
  after?: string | null;
}

/** The filter as MikroORM conditions, each field checked against the policy (shared with `feedbackStats`). */
export function conditionsOf(access: RequestAccess, f: FeedbackFilter | null | undefined): object[] {
  if (!f) return [];
  const out: object[] = [];
  const exact = { channel: f.channel, status: f.status, sentiment: f.sentiment, teamId: f.teamId };
  for (const [name, value] of Object.entries(exact)) {
    if (value === undefined || value === null) continue;
    access.assertCanFilter('Feedback', name, `filter.${name}`);
    out.push({ [name]: value });
  }
  if (f.containsPii !== undefined && f.containsPii !== null) out.push({ piiFlags: { $overlap: piiKindsArg(access, f.containsPii) } });
  if (f.customerId) out.push({ customer: uuidArg('filter.customerId', f.customerId) });
  if (f.receivedAfter) out.push({ receivedAt: { $gte: f.receivedAfter } });
  if (f.receivedBefore) out.push({ receivedAt: { $lt: f.receivedBefore } });
  if (f.text !== undefined && f.text !== null) {
    // A search reads every row's subject and body: an oracle unless both are PLAIN for the caller.
    access.assertCanFilter('Feedback', 'body', 'filter.text');
    access.assertCanFilter('Feedback', 'subject', 'filter.text');
    if (f.text.trim().length < 2) throw new BadUserInputError('filter.text', 'search text needs at least 2 characters');
  }
  return out;
}

/** The kinds a `containsPii` filter names, checked against the detector's; an empty list matches nothing. */
function piiKindsArg(access: RequestAccess, kinds: readonly string[]): string[] {
  access.assertCanFilter('Feedback', 'piiFlags', 'filter.containsPii');
  const unknown = kinds.filter((k) => !isPiiKind(k));
  if (unknown.length > 0) {
    throw new BadUserInputError('filter.containsPii', `unknown kind ${unknown.join(', ')}; expected any of ${PII_KINDS.join(', ')}`);
  }
  return [...new Set(kinds)];
}

/** `info`: the `feedbacks` field being resolved, whose selection decides the columns read (none: all of them). */
export async function listFeedback(ctx: ListContext, args: FeedbackListArgs, info?: GraphQLResolveInfo): Promise<Page<Lean<FeedbackEntity>>> {
  const { em, access, crypto, cursors, touched } = ctx;
  const size = pageSize(args.first);
  const field = ORDER_FIELDS[args.orderBy?.field ?? FeedbackOrderField.RECEIVED_AT];
  const desc = (args.orderBy?.direction ?? OrderDirection.DESC) === OrderDirection.DESC;
  const list = cursors.of(`feedbacks:${field}:${desc ? 'desc' : 'asc'}`);
  const cursor = list.decode(args.after);
  if (args.orderBy) access.assertCanFilter('Feedback', field, 'orderBy');

  const conditions = conditionsOf(access, args.filter);
  const filtered = withRows(access, 'Feedback', conditions.length ? { $and: conditions } : {});
  if (filtered === null) return toPage([], size, () => null, async () => 0, list);
  const dir = desc ? 'desc nulls last' : 'asc nulls last';
  const orderBy = [{ [field]: dir }, { id: desc ? 'desc' : 'asc' }];
  const text = args.filter?.text?.trim();
  if (text) {
    return searchFeedback({
      // The search opens every candidate's subject and body, selected or not.
      properties: selectedProperties(ctx, info, 'Feedback', [field, 'subject', 'body']),
      em,
      touched,
      crypto,
      text,
      size,
      where: filtered,
      start: cursor ? afterCursor(field, desc, cursor) : null,
      after: (r) => afterCursor(field, desc, { value: sortValue(r[field]), id: r.id }),
      orderBy,
      sortValue: (r) => sortValue(r[field]),
      cursors: list,
    });
  }
  const where = cursor ? { $and: [filtered, afterCursor(field, desc, cursor)] } : filtered;
  const rows = await leanFind(em, touched, FeedbackEntity, where, { orderBy: orderBy as never, limit: size + 1, properties: selectedProperties(ctx, info, 'Feedback', [field]) });
  return toPage(rows, size, (r) => sortValue(r[field]), () => em.count(FeedbackEntity, filtered), list);
}

function sortValue(v: Date | number | null): SortValue {
  return v instanceof Date ? v.toISOString() : v;
}
