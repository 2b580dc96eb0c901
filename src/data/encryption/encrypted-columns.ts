/**
 * Which stored columns are encrypted, and whose data key each uses: a customer's own columns, their
 * purchases and their feedback use the customer's key; feedback from nobody in particular uses the
 * shared key of the nil owner. Amounts, categories, dates and ratings stay plain for aggregates.
 */
export const NIL_OWNER = '00000000-0000-0000-0000-000000000000';

export type EncryptedTable = 'customer' | 'purchase' | 'feedback';

/** entity property -> database column */
export const ENCRYPTED_COLUMNS = {
  customer: { name: 'name', nameKana: 'name_kana', email: 'email', phone: 'phone', address: 'address', birthDate: 'birth_date' },
  purchase: { productName: 'product_name', store: 'store' },
  feedback: { subject: 'subject', body: 'body', note: 'note' },
} as const satisfies Record<EncryptedTable, Record<string, string>>;

export type EncryptedProperty<T extends EncryptedTable> = keyof (typeof ENCRYPTED_COLUMNS)[T];

/** GraphQL `Type.field` -> where its ciphertext lives and how to find its record and owner. */
export interface EncryptedField {
  table: EncryptedTable;
  column: string;
  property: string;
}

export const ENCRYPTED_FIELDS: Record<string, Record<string, EncryptedField>> = {
  Customer: fieldsOf('customer'),
  Purchase: fieldsOf('purchase'),
  Feedback: fieldsOf('feedback'),
};

function fieldsOf(table: EncryptedTable): Record<string, EncryptedField> {
  return Object.fromEntries(
    Object.entries(ENCRYPTED_COLUMNS[table]).map(([property, column]) => [property, { table, column, property }]),
  );
}
