/**
 * The tables of a BI schema, one per GraphQL type, one column per field the role may read. Each
 * column names the GraphQL field whose decision governs it: a field DENIED on every row is left out
 * of the table altogether, a conditional one reads null where the row's decision is DENIED. The
 * customer's UUID is replaced by the pseudonymous `customer_key` (src/data/pseudonym.ts) for joins.
 */
import type { EncryptedTable } from '../encryption/index.js';

export type BiTableName = 'customers' | 'feedback' | 'purchases' | 'consents';
export type BiType = 'Customer' | 'Feedback' | 'Purchase' | 'Consent';

export interface BiColumn {
  readonly column: string;
  /** The GraphQL field (of the table's type) whose decision this column follows. */
  readonly field: string;
  readonly sqlType: string;
  /** The stored entity property, read off the lean row. */
  readonly property: string;
  /** Set for a sealed column: opened with the owner's data key before masking. */
  readonly sealed?: { table: EncryptedTable; column: string };
}

export interface BiTable {
  readonly name: BiTableName;
  readonly type: BiType;
  readonly primaryKey: readonly string[];
  readonly columns: readonly BiColumn[];
}

const col = (column: string, field: string, sqlType: string, property = field): BiColumn => ({ column, field, sqlType, property });
const sealed = (column: string, field: string, table: EncryptedTable): BiColumn => ({ column, field, sqlType: 'text', property: field, sealed: { table, column } });

/** `customer_key` of a customer-owned row: filled by the sync from its customer (not a stored property). */
export const CUSTOMER_KEY = 'customer_key';

export const BI_TABLES: readonly BiTable[] = [
  {
    name: 'customers',
    type: 'Customer',
    primaryKey: [CUSTOMER_KEY],
    columns: [
      col(CUSTOMER_KEY, 'customerKey', 'text not null'),
      sealed('name', 'name', 'customer'),
      sealed('name_kana', 'nameKana', 'customer'),
      sealed('email', 'email', 'customer'),
      sealed('phone', 'phone', 'customer'),
      sealed('address', 'address', 'customer'),
      col('prefecture', 'prefecture', 'text'),
      { ...sealed('birth_date', 'birthDate', 'customer') },
      col('team_id', 'teamId', 'text'),
      col('segment', 'segment', 'text'),
      col('created_at', 'createdAt', 'timestamptz'),
      col('last_activity_at', 'lastActivityAt', 'timestamptz'),
    ],
  },
  {
    name: 'feedback',
    type: 'Feedback',
    primaryKey: ['id'],
    columns: [
      col('id', 'id', 'uuid not null'),
      col(CUSTOMER_KEY, 'customer', 'text'),
      col('channel', 'channel', 'text'),
      col('received_at', 'receivedAt', 'timestamptz'),
      sealed('subject', 'subject', 'feedback'),
      sealed('body', 'body', 'feedback'),
      col('rating', 'rating', 'smallint'),
      col('sentiment', 'sentiment', 'text'),
      col('tags', 'tags', 'text[]'),
      col('pii_flags', 'piiFlags', 'text[]'),
      col('status', 'status', 'text'),
      col('team_id', 'teamId', 'text'),
      sealed('note', 'note', 'feedback'),
    ],
  },
  {
    name: 'purchases',
    type: 'Purchase',
    primaryKey: ['id'],
    columns: [
      col('id', 'id', 'uuid not null'),
      col(CUSTOMER_KEY, 'id', 'text'),
      col('ordered_at', 'orderedAt', 'timestamptz'),
      { ...sealed('product_name', 'productName', 'purchase') },
      col('category', 'category', 'text'),
      col('amount', 'amount', 'integer'),
      { ...sealed('store', 'store', 'purchase') },
    ],
  },
  {
    name: 'consents',
    type: 'Consent',
    primaryKey: [CUSTOMER_KEY, 'purpose', 'granted_at'],
    columns: [
      col(CUSTOMER_KEY, 'purpose', 'text not null'),
      col('purpose', 'purpose', 'text not null'),
      col('granted_at', 'grantedAt', 'timestamptz not null'),
      col('withdrawn_at', 'withdrawnAt', 'timestamptz'),
      col('source', 'source', 'text'),
    ],
  },
];

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A schema or role name put into SQL: lower-case identifiers only, so quoting can never be escaped. */
export function sqlName(kind: string, name: string): string {
  if (!NAME.test(name)) throw new Error(`${kind} "${name}" must be a lower-case identifier (a-z, 0-9, _; at most 63 characters)`);
  return `"${name}"`;
}
