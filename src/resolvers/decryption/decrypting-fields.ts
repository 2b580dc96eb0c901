/**
 * Encrypted fields are opened in their field resolver, after the `@pii` guard has decided: a
 * DENIED field is never decrypted, and a page that selects no personal field unwraps no key.
 * When the owner's key is in memory the value comes back synchronously (no promise per field).
 */
import { isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { DecryptionError } from '../../crypto/index.js';
import { ENCRYPTED_FIELDS, NIL_OWNER, type EncryptedField } from '../../data/encryption/index.js';
import { DataErasedError, DecryptionFailedError } from '../../request/errors.js';
import type { KoeContext } from '../../request/context.js';

interface Stored {
  id: string;
  customer?: { id: string } | null;
  [property: string | symbol]: unknown;
}

/** Where a row read in this request keeps its owner's unwrapped key (rows are per request). */
const ROW_KEY = Symbol('koe.dataKey');

/** Whose data key seals a record: a customer's own, or the customer its purchase or feedback belongs to. */
const OWNER: Record<string, (s: Stored) => string> = {
  Customer: (s) => s.id,
  Purchase: (s) => s.customer?.id ?? NIL_OWNER,
  Feedback: (s) => s.customer?.id ?? NIL_OWNER,
};

export function decryptEncryptedFields(schema: GraphQLSchema): GraphQLSchema {
  for (const [typeName, fields] of Object.entries(ENCRYPTED_FIELDS)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    for (const [fieldName, spec] of Object.entries(fields)) {
      const field = type.getFields()[fieldName];
      if (!field) continue;
      // The stored property is read directly: an encrypted field has no resolver of its own.
      field.resolve = decrypting(`${typeName}.${fieldName}`, spec, OWNER[typeName]!);
    }
  }
  return schema;
}

function decrypting(path: string, spec: EncryptedField, ownerOf: (s: Stored) => string): GraphQLFieldResolver<Stored, KoeContext> {
  const open = (ctx: KoeContext, key: Buffer | null, source: Stored, stored: string): string => {
    if (!key) throw new DataErasedError(path);
    try {
      return ctx.crypto.decrypt(key, spec.table, spec.column, source.id, stored)!;
    } catch (e) {
      if (e instanceof DecryptionError) throw new DecryptionFailedError(path);
      throw e;
    }
  };
  return (source, _args, ctx) => {
    const stored = source[spec.property];
    if (stored === null || stored === undefined) return null;
    // The row carries its owner's key for the rest of this request: one cache probe per row, not per field.
    const carried = source[ROW_KEY] as Buffer | undefined;
    if (carried) return open(ctx, carried, source, stored as string);
    const owner = ownerOf(source);
    const cached = ctx.crypto.cachedKey(owner);
    if (cached) {
      // Not enumerable: a spread, an inspect or a log of the row never carries the key along.
      Object.defineProperty(source, ROW_KEY, { value: cached, configurable: true });
      return open(ctx, cached, source, stored as string);
    }
    return ctx.loaders.dataKey.load(owner).then(
      (key) => open(ctx, key, source, stored as string),
      (e: unknown) => {
        if (e instanceof DecryptionError) throw new DecryptionFailedError(path);
        throw e;
      },
    );
  };
}
