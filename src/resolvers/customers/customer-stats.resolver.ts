import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { KoeContext } from '../../request/context.js';
import { CustomerFilter } from '../../schema/inputs/customer.input.js';
import { CustomerStats, CustomerStatsDimension } from '../../schema/types/stats.type.js';
import { customerStats } from './customer-stats.js';

@Resolver(() => CustomerStats)
export class CustomerStatsResolver {
  @Query(() => CustomerStats, {
    description:
      'Counts of the customers the caller may see, grouped by up to 4 dimensions. Grouping needs PLAIN read access to the field grouped by; ' +
      'groups smaller than the caller\'s minGroupSize are suppressed.',
  })
  customerStats(
    @Ctx() ctx: KoeContext,
    @Arg('filter', () => CustomerFilter, { nullable: true }) filter: CustomerFilter | null,
    @Arg('groupBy', () => [CustomerStatsDimension], { nullable: true }) groupBy: CustomerStatsDimension[] | null,
  ): Promise<CustomerStats> {
    return customerStats(ctx, { filter, groupBy });
  }
}
