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

/** `nameKana` → `name_kana`: a BI column, like the base table's column, is its field in snake case. */
const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Marks a field stored sealed in the base table (opened with the owner's data key, then decided). */
const SEALED = 'sealed';

/**
 * A table's columns from `{ field: sqlType | SEALED }`, in order; a table of rows a customer owns
 * starts with their `customer_key` (`keyType`), filled by the sync rather than read off the row.
 */
function table(name: BiTableName, type: BiType, primaryKey: readonly string[], sealedIn: EncryptedTable, fields: Record<string, string>, keyType?: string): BiTable {
  const columns: BiColumn[] = Object.entries(fields).map(([field, sqlType]) => {
    const column = snake(field);
    return sqlType === SEALED ? { column, field, sqlType: 'text', property: field, sealed: { table: sealedIn, column } } : { column, field, sqlType, property: field };
  });
  if (keyType) columns.unshift({ column: CUSTOMER_KEY, field: 'customer', sqlType: keyType, property: 'customer' });
  return { name, type, primaryKey, columns };
}

/** `customer_key` of a customer-owned row: filled by the sync from its customer (not a stored property). */
export const CUSTOMER_KEY = 'customer_key';

export const BI_TABLES: readonly BiTable[] = [
  table('customers', 'Customer', [CUSTOMER_KEY], 'customer', {
    customerKey: 'text not null', name: SEALED, nameKana: SEALED, email: SEALED, phone: SEALED, address: SEALED, prefecture: 'text',
    birthDate: SEALED, teamId: 'text', segment: 'text', createdAt: 'timestamptz', lastActivityAt: 'timestamptz',
  }),
  table('feedback', 'Feedback', ['id'], 'feedback', {
    id: 'uuid not null', channel: 'text', receivedAt: 'timestamptz', subject: SEALED, body: SEALED, rating: 'smallint', sentiment: 'text',
    tags: 'text[]', piiFlags: 'text[]', status: 'text', teamId: 'text', note: SEALED,
  }, 'text'),
  table('purchases', 'Purchase', ['id'], 'purchase', {
    id: 'uuid not null', orderedAt: 'timestamptz', productName: SEALED, category: 'text', amount: 'integer', store: SEALED,
  }, 'text'),
  table('consents', 'Consent', [CUSTOMER_KEY, 'purpose', 'granted_at'], 'customer', {
    purpose: 'text not null', grantedAt: 'timestamptz not null', withdrawnAt: 'timestamptz', source: 'text',
  }, 'text not null'),
];

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A schema or role name put into SQL: lower-case identifiers only, so quoting can never be escaped. */
export function sqlName(kind: string, name: string): string {
  if (!NAME.test(name)) throw new Error(`${kind} "${name}" must be a lower-case identifier (a-z, 0-9, _; at most 63 characters)`);
  return `"${name}"`;
}
