import type { EntityManager } from '@mikro-orm/postgresql';
import { ConsentEntity, CustomerEntity, PurchaseEntity } from '../../data/entities/index.js';
import { withRows, type RequestAccess } from '../../request/access.js';
import { groupBy } from '../group-by.js';
import type { TouchedRows } from '../../data/touched-rows.js';
import { leanFind, type Lean } from '../../data/lean-rows.js';
import { WideningLoader } from '../widening-loader.js';

/**
 * One SELECT per batch of customers, with the caller's row filter: a hidden customer loads as null.
 * The batch reads the union of the columns its callers need.
 */
export function customerByIdLoader(em: EntityManager, access: RequestAccess, touched: TouchedRows) {
  return new WideningLoader<string, Lean<CustomerEntity> | null>(async (ids, properties) => {
    const where = withRows(access, 'Customer', { id: { $in: [...ids] } });
    const rows = where === null ? [] : await leanFind(em, touched, CustomerEntity, where, { formulas: access.virtualsTested('Customer'), properties });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }, String);
}

/**
 * Consents and purchases carry their own row conditions (marketing sees only the marketing consent),
 * applied in SQL. Like customers, a batch reads the union of the columns its callers need; the
 * order columns stay in ORDER BY only.
 */
export function consentsByCustomerLoader(em: EntityManager, access: RequestAccess, touched: TouchedRows) {
  return new WideningLoader<string, Array<Lean<ConsentEntity>>>(async (ids, properties) => {
    const where = withRows(access, 'Consent', { customer: { $in: [...ids] } });
    const rows = where === null ? [] : await leanFind(em, touched, ConsentEntity, where, { orderBy: { grantedAt: 'asc', id: 'asc' }, properties });
    const groups = groupBy(rows, (r) => r.customer!.id);
    return ids.map((id) => groups.get(id) ?? []);
  }, String);
}

export function purchasesByCustomerLoader(em: EntityManager, access: RequestAccess, touched: TouchedRows) {
  return new WideningLoader<string, Array<Lean<PurchaseEntity>>>(async (ids, properties) => {
    const where = withRows(access, 'Purchase', { customer: { $in: [...ids] } });
    const rows = where === null ? [] : await leanFind(em, touched, PurchaseEntity, where, { orderBy: { orderedAt: 'desc', id: 'asc' }, properties });
    const groups = groupBy(rows, (r) => r.customer!.id);
    return ids.map((id) => groups.get(id) ?? []);
  }, String);
}
