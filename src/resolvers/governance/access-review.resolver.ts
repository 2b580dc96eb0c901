/**
 * The access review over GraphQL (the console's Access screen): the flagged rows of `koe access
 * review` one page at a time, and the periodic review as a record (src/auth/periodic-review.ts).
 * Reading needs a read rule on AccessReviewRow / PeriodicReview (admins, auditors); starting,
 * deciding and signing off are admin mutations (the policy's Mutation rules).
 */
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { accessReview } from '../../auth/access-review.js';
import {
  decidePeriodicReview, findPeriodicReview, listPeriodicReviewItems, listPeriodicReviews, periodicReviewCsv, signOffPeriodicReview, startPeriodicReview,
  type PeriodicReviewRecord,
} from '../../auth/periodic-review.js';
import type { KoeContext } from '../../request/context.js';
import { BadUserInputError } from '../../request/errors.js';
import { AccessReviewRow, AccessReviewRowConnection, PeriodicReview, PeriodicReviewConnection, PeriodicReviewItem, PeriodicReviewItemConnection } from '../../schema/types/access-review.type.js';
import { PrincipalEntity } from '../../data/entities/index.js';
import { pageSize, toPage, type Page } from '../pagination.js';
import { graphqlActor } from './principal.mutation.js';
import { assertCanReadType } from './read-rule.js';

const toReview = (r: PeriodicReviewRecord): PeriodicReview => ({ ...r, status: r.status.toUpperCase() });
const canReadReviews = (ctx: KoeContext) => assertCanReadType(ctx, 'PeriodicReview', 'status', 'access reviews');
const DAYS = { unused: 90, review: 180 };

@Resolver(() => PeriodicReview)
export class AccessReviewResolver {
  @Query(() => AccessReviewRowConnection, { description: 'Every principal with its last use, keys and review flags, by id (admins, auditors).' })
  async accessReview(
    @Ctx() ctx: KoeContext,
    @Arg('unusedDays', () => Int, { nullable: true, description: 'Flag as unused past this many days (90).' }) unusedDays: number | null,
    @Arg('reviewDays', () => Int, { nullable: true, description: 'Flag as not reviewed past this many days (180).' }) reviewDays: number | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<Page<AccessReviewRow>> {
    assertCanReadType(ctx, 'AccessReviewRow', 'flags', 'the access review');
    const size = pageSize(first);
    const list = ctx.cursors.of('accessReview:id:asc');
    const cursor = list.decode(after);
    const rows = await accessReview(ctx.em, {
      unusedDays: unusedDays ?? DAYS.unused, reviewDays: reviewDays ?? DAYS.review, policy: ctx.access.policy,
      page: { afterId: cursor?.id ?? null, limit: size + 1 },
    });
    const nodes = rows.map(({ principalId, grants: _g, ...r }) => ({ ...r, id: principalId }));
    return toPage(nodes, size, () => null, () => ctx.em.count(PrincipalEntity, {}), list);
  }

  @Query(() => PeriodicReviewConnection, { description: 'Periodic access reviews, newest first (admins, auditors).' })
  async periodicReviews(
    @Ctx() ctx: KoeContext,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<Page<PeriodicReview>> {
    canReadReviews(ctx);
    const size = pageSize(first);
    const list = ctx.cursors.of('periodicReviews:startedAt:desc');
    const cursor = list.decode(after);
    const rows = await listPeriodicReviews(ctx.em, cursor ? { at: String(cursor.value), id: cursor.id } : null, size + 1);
    const count = async () => Number((await ctx.em.execute<Array<{ n: string }>>('select count(*) as n from access_review'))[0]!.n);
    return toPage(rows.map(toReview), size, (r) => r.startedAt.toISOString(), count, list);
  }

  @Query(() => PeriodicReview, { nullable: true })
  async periodicReview(@Ctx() ctx: KoeContext, @Arg('id', () => ID) id: string): Promise<PeriodicReview | null> {
    canReadReviews(ctx);
    const r = await findPeriodicReview(ctx.em, id);
    return r ? toReview(r) : null;
  }

  @Query(() => PeriodicReviewItemConnection, { description: 'The principals of one review and the decisions on them, by principal id.' })
  async periodicReviewItems(
    @Ctx() ctx: KoeContext,
    @Arg('reviewId', () => ID) reviewId: string,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<Page<PeriodicReviewItem>> {
    canReadReviews(ctx);
    const size = pageSize(first);
    const list = ctx.cursors.of(`periodicReviewItems:${reviewId}`);
    const cursor = list.decode(after);
    const rows = await listPeriodicReviewItems(ctx.em, reviewId, cursor ? String(cursor.value) : null, size + 1);
    const count = async () => Number((await ctx.em.execute<Array<{ n: string }>>('select count(*) as n from access_review_item where review_id = ?', [reviewId]))[0]!.n);
    return toPage(rows, size, (r) => r.principalId, count, list);
  }

  // A field, not a root query returning a String: a role without a read rule on PeriodicReview
  // then finds it neither in its schema (`koe schema --role`) nor in an answer.
  @FieldResolver(() => String, { nullable: true, description: 'A signed-off review as CSV (one line per principal: roles, flags, decision, who and when), the evidence for auditors; null while open.' })
  csv(@Ctx() ctx: KoeContext, @Root() review: PeriodicReview): Promise<string> | null {
    canReadReviews(ctx);
    return review.status === 'SIGNED_OFF' ? periodicReviewCsv(ctx.em, review.id) : null;
  }

  @Mutation(() => PeriodicReview, { description: 'Starts a periodic access review over the principals flagged now; refused while another is open.' })
  async startPeriodicReview(
    @Ctx() ctx: KoeContext,
    @Arg('unusedDays', () => Int, { nullable: true }) unusedDays: number | null,
    @Arg('reviewDays', () => Int, { nullable: true }) reviewDays: number | null,
    // Optional like every access change's reason over the API; the console and the CLI ask for one.
    @Arg('reason', () => String, { nullable: true, description: 'Why the review is held (the schedule or audit it answers); masked, kept on the review and in its audit event.' }) reason?: string | null,
  ): Promise<PeriodicReview> {
    ctx.access.assertCanMutate('startPeriodicReview');
    const opts = { unusedDays: unusedDays ?? DAYS.unused, reviewDays: reviewDays ?? DAYS.review, reason: reason ?? null };
    return toReview(await startPeriodicReview(ctx.em, opts, graphqlActor(ctx), ctx.access.policy));
  }

  @Mutation(() => PeriodicReviewItem, { description: 'Records the decision on one principal of an open review: keep, revoke:<role> or disable. Applied at sign-off.' })
  decidePeriodicReview(
    @Ctx() ctx: KoeContext,
    @Arg('reviewId', () => ID) reviewId: string,
    @Arg('principalId', () => ID) principalId: string,
    @Arg('action', () => String) action: string,
    @Arg('reason', () => String, { nullable: true }) reason?: string | null,
  ): Promise<PeriodicReviewItem> {
    ctx.access.assertCanMutate('decidePeriodicReview');
    if (reason != null && reason.length > 500) throw new BadUserInputError('reason', 'at most 500 characters');
    return decidePeriodicReview(ctx.em, { reviewId, principalId, action, reason: reason ?? null }, graphqlActor(ctx), ctx.access.policy);
  }

  @Mutation(() => PeriodicReview, { description: 'Applies every decision of the review (each an audited access change) and closes it; refused while a principal is undecided.' })
  async signOffPeriodicReview(@Ctx() ctx: KoeContext, @Arg('reviewId', () => ID) reviewId: string): Promise<PeriodicReview> {
    ctx.access.assertCanMutate('signOffPeriodicReview');
    return toReview(await signOffPeriodicReview(ctx.em, reviewId, graphqlActor(ctx), ctx.access.policy));
  }
}
