/**
 * Grants of privileged roles over GraphQL: `grantRole` opens a request (principal.mutation.ts),
 * `approveGrant` / `rejectGrant` / `cancelGrant` decide it (admin, by the policy's Mutation rules;
 * src/auth/grant-request.ts decides who among admins), `grantRequests` lists them for whoever may
 * read GrantRequest rows (admins, auditors).
 */
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { AccessActor } from '../../auth/access-event.js';
import { countGrantRequests, decideGrantRequest, listGrantRequests, viewOf, type GrantDecision, type GrantRequestView } from '../../auth/grant-request.js';
import type { GrantRequestStatus as StoredStatus } from '../../data/entities/index.js';
import { BadUserInputError } from '../../request/errors.js';
import { GrantRequest, GrantRequestConnection, GrantRequestStatus } from '../../schema/types/grant-request.type.js';
import type { KoeContext } from '../../request/context.js';
import { uuidArg } from '../ids.js';
import { pageSize, toPage, type Page } from '../pagination.js';

const actorOf = (ctx: KoeContext): AccessActor => ({
  id: ctx.principal.id, roles: ctx.principal.roles, policyVersion: ctx.access.policyVersion,
  requestId: ctx.requestId, subgraph: ctx.subgraph, clientAddress: ctx.clientAddress, via: 'graphql',
});

export function toGrantRequest(r: GrantRequestView): GrantRequest {
  return { ...r, status: r.status.toUpperCase() as GrantRequestStatus };
}

async function decide(ctx: KoeContext, mutation: string, id: string, decision: GrantDecision, reason: string | null): Promise<GrantRequest> {
  ctx.access.assertCanMutate(mutation);
  return toGrantRequest(viewOf(await decideGrantRequest(ctx.em, uuidArg('id', id), decision, actorOf(ctx), ctx.access.policy, reason)));
}

@Resolver(() => GrantRequest)
export class GrantRequestResolver {
  @Mutation(() => GrantRequest, { description: 'Approves a pending grant of a privileged role: another admin than the requester and the grantee, before it expires.' })
  approveGrant(@Ctx() ctx: KoeContext, @Arg('id', () => ID) id: string): Promise<GrantRequest> {
    return decide(ctx, 'approveGrant', id, 'approve', null);
  }

  @Mutation(() => GrantRequest, { description: 'Rejects a pending grant of a privileged role.' })
  rejectGrant(
    @Ctx() ctx: KoeContext,
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String, { nullable: true }) reason: string | null,
  ): Promise<GrantRequest> {
    // An omitted nullable argument arrives as undefined.
    if (reason != null && reason.length > 500) throw new BadUserInputError('reason', 'at most 500 characters');
    return decide(ctx, 'rejectGrant', id, 'reject', reason ?? null);
  }

  @Mutation(() => GrantRequest, { description: 'Withdraws a pending grant request; only its requester may.' })
  cancelGrant(@Ctx() ctx: KoeContext, @Arg('id', () => ID) id: string): Promise<GrantRequest> {
    return decide(ctx, 'cancelGrant', id, 'cancel', null);
  }

  @Query(() => GrantRequestConnection, { description: 'Grant requests of privileged roles, newest first (admins, auditors).' })
  async grantRequests(
    @Ctx() ctx: KoeContext,
    @Arg('status', () => GrantRequestStatus, { nullable: true, description: 'Only requests in this status; all when left out.' }) status: GrantRequestStatus | null,
    @Arg('principalId', () => ID, { nullable: true }) principalId: string | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<Page<GrantRequest>> {
    const size = pageSize(first);
    const list = ctx.cursors.of('grantRequests:requestedAt:desc');
    const cursor = list.decode(after);
    if (cursor && (typeof cursor.value !== 'string' || Number.isNaN(Date.parse(cursor.value)))) throw new BadUserInputError('after', 'cursor is not from this list');
    // Deny by default: a role without a read rule on GrantRequest sees an empty list.
    const visible = ctx.access.rowWhere('GrantRequest');
    if (visible === null) return toPage([], size, () => null, async () => 0, list);
    const filter = { status: status ? (status.toLowerCase() as StoredStatus) : null, principalId, rows: visible };
    const rows = await listGrantRequests(ctx.em, filter, size + 1, cursor ? { requestedAt: new Date(cursor.value as string), id: cursor.id } : null);
    return toPage(rows.map(toGrantRequest), size, (r) => r.requestedAt.toISOString(), () => countGrantRequests(ctx.em, filter), list);
  }
}
