import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { FeedbackEntity } from '../../data/entities/index.js';
import type { Lean } from '../../data/lean-rows.js';
import { FeedbackFilter, FeedbackOrder } from '../../schema/inputs/feedback.input.js';
import { CustomerRef, Feedback, FeedbackConnection } from '../../schema/types/feedback.type.js';
import type { KoeContext } from '../../request/context.js';
import { uuidArg } from '../ids.js';
import type { Page } from '../pagination.js';
import { listFeedback } from './feedback-query.js';
import { selectedProperties } from '../selected-columns.js';

@Resolver(() => Feedback)
export class FeedbackResolver {
  @Query(() => FeedbackConnection, { description: 'Feedback the caller may see; a text search needs PLAIN access to the body.' })
  feedbacks(
    @Ctx() ctx: KoeContext,
    @Arg('filter', () => FeedbackFilter, { nullable: true }) filter: FeedbackFilter | null,
    @Arg('orderBy', () => FeedbackOrder, { nullable: true }) orderBy: FeedbackOrder | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<Lean<FeedbackEntity>>> {
    return listFeedback(ctx, { filter, orderBy, first, after }, info);
  }

  @Query(() => Feedback, { nullable: true })
  feedback(@Ctx() ctx: KoeContext, @Arg('id', () => ID) id: string, @Info() info: GraphQLResolveInfo): Promise<Lean<FeedbackEntity> | null> {
    return ctx.loaders.feedbackById.load(uuidArg('id', id), selectedProperties(ctx, info, 'Feedback'));
  }

  /** Only the key: the customers subgraph resolves it, with its own row filter. */
  @FieldResolver(() => CustomerRef, { nullable: true })
  customer(@Root() feedback: Lean<FeedbackEntity>): CustomerRef | null {
    return feedback.customer ? { id: feedback.customer.id } : null;
  }
}

export const feedbackReference = {
  Feedback: {
    __resolveReference(ref: { id: string }, ctx: KoeContext, info: GraphQLResolveInfo): Promise<Lean<FeedbackEntity> | null> | null {
      if (typeof ref.id !== 'string') return null;
      return ctx.loaders.feedbackById.load(uuidArg('representations.id', ref.id), selectedProperties(ctx, info, 'Feedback'));
    },
  },
  Customer: {
    // The feedback subgraph holds no customer data: a reference is just its key.
    __resolveReference(ref: { id: string }): { id: string } {
      return { id: ref.id };
    },
  },
};
