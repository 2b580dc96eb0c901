import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { ConsentEntity, CustomerEntity, PurchaseEntity } from '../../data/entities/index.js';
import type { Lean } from '../../data/lean-rows.js';
import { CustomerFilter, CustomerOrder } from '../../schema/inputs/customer.input.js';
import { Consent, Customer, CustomerConnection, Purchase } from '../../schema/types/customer.type.js';
import type { KoeContext } from '../../request/context.js';
import { uuidArg } from '../ids.js';
import type { Page } from '../pagination.js';
import { listCustomers } from './customer-query.js';
import { selectedProperties } from '../selected-columns.js';

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => CustomerConnection, { description: 'Customers the caller may see; filters and orders need PLAIN access to their field.' })
  customers(
    @Ctx() ctx: KoeContext,
    @Arg('filter', () => CustomerFilter, { nullable: true }) filter: CustomerFilter | null,
    @Arg('orderBy', () => CustomerOrder, { nullable: true }) orderBy: CustomerOrder | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<Lean<CustomerEntity>>> {
    return listCustomers(ctx, { filter, orderBy, first, after }, info);
  }

  @Query(() => Customer, { nullable: true })
  customer(@Ctx() ctx: KoeContext, @Arg('id', () => ID) id: string, @Info() info: GraphQLResolveInfo): Promise<Lean<CustomerEntity> | null> {
    return ctx.loaders.customerById.load(uuidArg('id', id), selectedProperties(ctx, info, 'Customer'));
  }

  @FieldResolver(() => [Consent])
  consents(@Root() customer: Lean<CustomerEntity>, @Ctx() ctx: KoeContext, @Info() info: GraphQLResolveInfo): Promise<Array<Lean<ConsentEntity>>> {
    return ctx.loaders.consentsByCustomer.load(customer.id, selectedProperties(ctx, info, 'Consent'));
  }

  @FieldResolver(() => [Purchase], { nullable: true })
  purchases(@Root() customer: Lean<CustomerEntity>, @Ctx() ctx: KoeContext, @Info() info: GraphQLResolveInfo): Promise<Array<Lean<PurchaseEntity>>> {
    return ctx.loaders.purchasesByCustomer.load(customer.id, selectedProperties(ctx, info, 'Purchase'));
  }
}

/** `_entities` for Customer goes through the same loader, so references honour the row filter too. */
export const customerReference = {
  Customer: {
    __resolveReference(ref: { id: string }, ctx: KoeContext, info: GraphQLResolveInfo): Promise<Lean<CustomerEntity> | null> | null {
      if (typeof ref.id !== 'string') return null;
      return ctx.loaders.customerById.load(uuidArg('representations.id', ref.id), selectedProperties(ctx, info, 'Customer'));
    },
  },
};
