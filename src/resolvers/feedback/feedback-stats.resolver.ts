import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Info, Query, Resolver } from 'type-graphql';
import type { KoeContext } from '../../request/context.js';
import { FeedbackFilter } from '../../schema/inputs/feedback.input.js';
import { FeedbackStats, FeedbackStatsDimension, StatsInterval } from '../../schema/types/stats.type.js';
import { groupFieldsSelected } from '../aggregate-groups.js';
import { feedbackStats } from './feedback-stats.js';

@Resolver(() => FeedbackStats)
export class FeedbackStatsResolver {
  @Query(() => FeedbackStats, {
    description:
      'Counts, mean rating, NPS and counts per sentiment and channel of the feedback the caller may see, grouped by up to 4 dimensions. ' +
      'Grouping needs PLAIN read access to the field grouped by; groups smaller than the caller\'s minGroupSize are suppressed.',
  })
  feedbackStats(
    @Ctx() ctx: KoeContext,
    @Arg('filter', () => FeedbackFilter, { nullable: true }) filter: FeedbackFilter | null,
    @Arg('groupBy', () => [FeedbackStatsDimension], { nullable: true }) groupBy: FeedbackStatsDimension[] | null,
    @Arg('interval', () => StatsInterval, { nullable: true }) interval: StatsInterval | null,
    @Info() info: GraphQLResolveInfo,
  ): Promise<FeedbackStats> {
    return feedbackStats(ctx, { filter, groupBy, interval, selected: groupFieldsSelected(info) });
  }
}
