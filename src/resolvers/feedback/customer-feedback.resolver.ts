import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, Info, Int, Resolver, Root } from 'type-graphql';
import type { FeedbackEntity } from '../../data/entities/index.js';
import type { Lean } from '../../data/lean-rows.js';
import { CustomerRef, FeedbackConnection } from '../../schema/types/feedback.type.js';
import { BadUserInputError } from '../../request/errors.js';
import type { KoeContext } from '../../request/context.js';
import { pageSize, toPage, type Page } from '../pagination.js';
import { selectedProperties } from '../selected-columns.js';

/** `Customer.feedback`, contributed by the feedback subgraph: newest first, batched across customers. */
@Resolver(() => CustomerRef)
export class CustomerFeedbackResolver {
  @FieldResolver(() => FeedbackConnection)
  async feedback(
    @Root() customer: CustomerRef,
    @Ctx() ctx: KoeContext,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<Lean<FeedbackEntity>>> {
    const size = pageSize(first);
    const list = ctx.cursors.of('Customer.feedback:receivedAt:desc');
    const cursor = list.decode(after);
    if (cursor && typeof cursor.value !== 'string') throw new BadUserInputError('after', 'cursor is not from this list');
    const rows = await ctx.loaders.feedbackPageByCustomer.load({
      customerId: customer.id,
      limit: size + 1,
      after: cursor ? { value: cursor.value as string, id: cursor.id } : null,
    }, selectedProperties(ctx, info, 'Feedback', ['receivedAt']));
    return toPage(rows, size, (r) => r.receivedAt.toISOString(), () => ctx.loaders.feedbackCountByCustomer.load(customer.id), list);
  }
}
