import { raw, type EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { FeedbackEntity } from '../../data/entities/index.js';
import { withRows, type RequestAccess } from '../../request/access.js';
import { groupBy } from '../group-by.js';
import type { TouchedRows } from '../../data/touched-rows.js';
import { leanFind, leanRows, type Lean } from '../../data/lean-rows.js';
import { WideningLoader } from '../widening-loader.js';

/** As `customerByIdLoader`: one SELECT per batch, the union of the columns its callers need. */
export function feedbackByIdLoader(em: EntityManager, access: RequestAccess, touched: TouchedRows) {
  return new WideningLoader<string, Lean<FeedbackEntity> | null>(async (ids, properties) => {
    const where = withRows(access, 'Feedback', { id: { $in: [...ids] } });
    const rows = where === null ? [] : await leanFind(em, touched, FeedbackEntity, where, { properties });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }, String);
}

export interface CustomerFeedbackKey {
  customerId: string;
  /** Rows to fetch: the page size plus one, to learn whether there is a next page. */
  limit: number;
  after: { value: string; id: string } | null;
}

/**
 * `Customer.feedback` for a whole batch of customers in one statement: a window function numbers
 * each customer's feedback newest first and the outer query keeps the first `limit` per customer.
 */
export function feedbackPageByCustomerLoader(em: EntityManager, access: RequestAccess, touched: TouchedRows) {
  return new WideningLoader<CustomerFeedbackKey, Array<Lean<FeedbackEntity>>>(
    async (keys, properties) => {
      const results = new Map<string, Array<Lean<FeedbackEntity>>>();
      // Keys that share (limit, after) are one statement; in practice a whole list shares them.
      for (const [shape, group] of groupBy(keys, shapeKey)) {
        const { limit, after } = group[0]!;
        const base: object = { customer: { $in: group.map((k) => k.customerId) } };
        const cursor = after
          ? { $or: [{ receivedAt: { $lt: after.value } }, { receivedAt: after.value, id: { $lt: after.id } }] }
          : {};
        const where = withRows(access, 'Feedback', after ? { $and: [base, cursor] } : base);
        const rows = where === null ? [] : await windowed(em, touched, where, limit, properties);
        const byCustomer = groupBy(rows, (r) => r.customer?.id ?? '');
        for (const k of group) results.set(`${k.customerId}|${shape}`, byCustomer.get(k.customerId) ?? []);
      }
      return keys.map((k) => results.get(`${k.customerId}|${shapeKey(k)}`) ?? []);
    },
    (k) => `${k.customerId}|${shapeKey(k)}`,
  );
}

function shapeKey(k: CustomerFeedbackKey): string {
  return `${k.limit}|${k.after ? `${k.after.value}|${k.after.id}` : ''}`;
}

async function windowed(em: EntityManager, touched: TouchedRows, where: object, limit: number, properties: readonly string[] | null): Promise<Array<Lean<FeedbackEntity>>> {
  const inner = em
    .createQueryBuilder(FeedbackEntity, 'f')
    .select(properties ? properties.map((p) => `f.${p}`) : ['f.*'])
    .addSelect(raw('row_number() over (partition by f.customer_id order by f.received_at desc, f.id desc) as rn'))
    .where(where);
  const rows: Array<Record<string, unknown>> = await em
    .createQueryBuilder(FeedbackEntity, 'w')
    .select('*')
    .from(inner, 'w')
    .where({ [raw('w.rn')]: { $lte: limit } } as object)
    .orderBy({ receivedAt: 'desc', id: 'desc' })
    .execute('all', false);
  for (const row of rows) delete row.rn;
  return leanRows(em, touched, FeedbackEntity, rows);
}

export function feedbackCountByCustomerLoader(em: EntityManager, access: RequestAccess) {
  return new DataLoader<string, number>(async (ids) => {
    const where = withRows(access, 'Feedback', { customer: { $in: [...ids] } });
    if (where === null) return ids.map(() => 0);
    const rows: Array<{ customer_id: string; count: number }> = await em
      .createQueryBuilder(FeedbackEntity, 'f')
      // The column itself: a row filter that joins the customer (use restrictions) would otherwise make `f.customer` select the join's id.
      .select([raw('f.customer_id as customer_id'), raw('count(*)::int as count')])
      .where(where)
      .groupBy('f.customer')
      .execute('all', false);
    const counts = new Map(rows.map((r) => [r.customer_id, r.count]));
    return ids.map((id) => counts.get(id) ?? 0);
  });
}
