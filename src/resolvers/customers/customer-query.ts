/** Building the customers list query: filters and orders checked against the policy, then keyset SQL. */
import { CustomerEntity } from '../../data/entities/index.js';
import { leanFind, type Lean } from '../../data/lean-rows.js';
import { CustomerOrderField, OrderDirection } from '../../schema/enums.js';
import { BadUserInputError } from '../../request/errors.js';
import type { CustomerFilter, CustomerOrder } from '../../schema/inputs/customer.input.js';
import { withRows, type RequestAccess } from '../../request/access.js';
import type { FieldCrypto } from '../../data/encryption/index.js';
import { afterCursor, pageSize, toPage, type ListContext, type Page } from '../pagination.js';
import type { SortValue } from '../../request/cursors.js';
import type { GraphQLResolveInfo } from 'graphql';
import { selectedProperties } from '../selected-columns.js';

const ORDER_FIELDS: Record<CustomerOrderField, 'createdAt' | 'name' | 'email' | 'prefecture'> = {
  [CustomerOrderField.CREATED_AT]: 'createdAt',
  [CustomerOrderField.NAME]: 'name',
  [CustomerOrderField.EMAIL]: 'email',
  [CustomerOrderField.PREFECTURE]: 'prefecture',
};

const FILTER_FIELDS = ['email', 'phone', 'name', 'prefecture', 'teamId', 'segment'] as const;

/** Encrypted columns are matched through their blind index: exact match on the normalised value. */
const BLIND: Partial<Record<(typeof FILTER_FIELDS)[number], { kind: 'email' | 'phone' | 'name'; column: 'emailBidx' | 'phoneBidx' | 'nameBidx' }>> = {
  email: { kind: 'email', column: 'emailBidx' },
  phone: { kind: 'phone', column: 'phoneBidx' },
  name: { kind: 'name', column: 'nameBidx' },
};

/** Ciphertext has no order: these fields can be ordered by no one, whatever the policy says. */
const ENCRYPTED_ORDER = new Set(['name', 'email']);

export interface CustomerListArgs {
  filter?: CustomerFilter | null;
  orderBy?: CustomerOrder | null;
  first?: number | null;
  after?: string | null;
}

/** `info`: the `customers` field being resolved, whose selection decides the columns read (none: all of them). */
export async function listCustomers(ctx: ListContext, args: CustomerListArgs, info?: GraphQLResolveInfo): Promise<Page<Lean<CustomerEntity>>> {
  const { em, access, crypto, cursors, touched } = ctx;
  const size = pageSize(args.first);
  const field = ORDER_FIELDS[args.orderBy?.field ?? CustomerOrderField.CREATED_AT];
  const desc = (args.orderBy?.direction ?? OrderDirection.ASC) === OrderDirection.DESC;
  const list = cursors.of(`customers:${field}:${desc ? 'desc' : 'asc'}`);
  const cursor = list.decode(args.after);
  if (args.orderBy) access.assertCanFilter('Customer', field, 'orderBy');
  // After the policy check, so a role that may not read the field still learns only FORBIDDEN.
  if (ENCRYPTED_ORDER.has(field)) {
    throw new BadUserInputError('orderBy', `${field} is stored encrypted and cannot be ordered; order by CREATED_AT or PREFECTURE, or filter by exact ${field}`);
  }

  const conditions = customerConditions(access, crypto, args.filter);
  const filtered = withRows(access, 'Customer', conditions.length ? { $and: conditions } : {});
  if (filtered === null) return toPage([], size, () => null, async () => 0, list);
  const where = cursor ? { $and: [filtered, afterCursor(field, desc, cursor)] } : filtered;
  const dir = desc ? 'desc nulls last' : 'asc nulls last';
  const rows = await leanFind(em, touched, CustomerEntity, where, { orderBy: [{ [field]: dir }, { id: desc ? 'desc' : 'asc' }], limit: size + 1, formulas: access.virtualsTested('Customer'), properties: selectedProperties(ctx, info, 'Customer', [field]) });
  return toPage(rows, size, (c) => sortValue(c[field]), () => em.count(CustomerEntity, filtered), list);
}

/** The filter as MikroORM conditions, each field checked against the policy (shared with `customerStats`). */
export function customerConditions(access: RequestAccess, crypto: FieldCrypto, filter: CustomerFilter | null | undefined): object[] {
  const conditions: object[] = [];
  for (const name of FILTER_FIELDS) {
    const value = filter?.[name];
    if (value === undefined || value === null) continue;
    access.assertCanFilter('Customer', name, `filter.${name}`);
    const blind = BLIND[name];
    conditions.push(blind ? { [blind.column]: crypto.blind(blind.kind, value) } : { [name]: value });
  }
  return conditions;
}

function sortValue(v: string | Date | null): SortValue {
  return v instanceof Date ? v.toISOString() : v;
}
