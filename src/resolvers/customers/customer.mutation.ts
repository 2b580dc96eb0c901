import { randomUUID } from 'node:crypto';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { CustomerEntity } from '../../data/entities/index.js';
import { BadUserInputError, ForbiddenError } from '../../request/errors.js';
import { UpsertCustomerInput } from '../../schema/inputs/customer.input.js';
import { Customer } from '../../schema/types/customer.type.js';
import type { KoeContext } from '../../request/context.js';
import { uuidArg } from '../ids.js';
import { validateCustomerInput } from './customer.validation.js';

@Resolver(() => Customer)
export class CustomerMutationResolver {
  @Mutation(() => Customer, { description: 'Creates a customer, or updates the one with the given id (ingestion, admins).' })
  async upsertCustomer(@Ctx() ctx: KoeContext, @Arg('input', () => UpsertCustomerInput) input: UpsertCustomerInput): Promise<CustomerEntity> {
    ctx.access.assertCanMutate('upsertCustomer');
    const clean = validateCustomerInput(input);
    const id = input.id ? uuidArg('input.id', input.id) : randomUUID();
    const existing = input.id ? await ctx.em.findOne(CustomerEntity, { id }) : null;
    const now = new Date();
    if (existing && !ctx.access.canUpdate('Customer', existing, 'email')) throw new ForbiddenError('You may not change this customer');
    // Sealed before the ORM sees it: plaintext never reaches a statement, a log line or the WAL.
    const key = (await ctx.crypto.ensureKeys(ctx.em, [id])).get(id);
    // An erased customer stays erased: a fresh key would quietly bring them back.
    if (!key) throw new BadUserInputError('input.id', 'this customer was erased; their data can no longer be written');
    const sealed = ctx.crypto.sealRow(key, 'customer', id, { ...clean });
    if (existing) {
      ctx.em.assign(existing, { ...sealed, lastActivityAt: now });
      await ctx.em.flush();
      return existing;
    }
    const customer = ctx.em.create(CustomerEntity, {
      id,
      customerKey: ctx.pseudonym(id),
      ...sealed,
      createdAt: now,
      lastActivityAt: now,
    });
    await ctx.em.flush();
    return customer;
  }
}
