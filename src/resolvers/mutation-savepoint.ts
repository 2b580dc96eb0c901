/**
 * Each root mutation field runs under a savepoint of its request's transaction (opened by the
 * audit recorder, which commits it together with the operation's event): a field that fails rolls
 * back what it wrote, so a failed write leaves no change behind, while the fields before it stay
 * and are recorded. Wrapped once at build time, like the `@pii` guard, so a new mutation is covered
 * without touching its resolver.
 */
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { wrap } from '@mikro-orm/core';
import type { KoeContext } from '../request/context.js';

const SAVEPOINT = 'koe_mutation_field';

export function atomicMutationFields(schema: GraphQLSchema): GraphQLSchema {
  const mutation = schema.getMutationType();
  for (const field of Object.values(mutation?.getFields() ?? {})) field.resolve = atomic(field.resolve ?? defaultFieldResolver);
  return schema;
}

function atomic(resolve: GraphQLFieldResolver<unknown, KoeContext>): GraphQLFieldResolver<unknown, KoeContext> {
  return async (source, args, ctx, info) => {
    const em = ctx.em;
    // Outside a request transaction (a caller that opened none) there is nothing to roll back to.
    if (!em.getTransactionContext()) return resolve(source, args, ctx, info);
    await em.execute(`savepoint ${SAVEPOINT}`);
    try {
      const value = await resolve(source, args, ctx, info);
      await em.execute(`release savepoint ${SAVEPOINT}`);
      return value;
    } catch (err) {
      // If even this fails the transaction is broken and its commit fails: the request answers 503.
      await em.execute(`rollback to savepoint ${SAVEPOINT}`).catch(() => {});
      // Entities the failed field created or changed but did not write must not ride on the commit;
      // the records it loaded are still named by the audit event.
      const loaded = [...em.getUnitOfWork().getIdentityMap()].filter((e) => wrap(e, true).isInitialized() && typeof (e as { id?: unknown }).id === 'string');
      for (const e of loaded) ctx.touched.add(e.constructor.name, [e as { id: string }]);
      em.clear();
      throw err;
    }
  };
}
