/** Access changes over GraphQL: admin only (the policy's Mutation rules), each one audited. */
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { changeAccess, type AccessChange } from '../../auth/access-change.js';
import type { AccessActor } from '../../auth/access-event.js';
import { Principal } from '../../schema/types/principal.type.js';
import type { KoeContext } from '../../request/context.js';
import { toPrincipal } from './principal-query.js';

/** The caller as the actor of an access change made over GraphQL. */
export const graphqlActor = (ctx: KoeContext): AccessActor => ({
  id: ctx.principal.id,
  roles: ctx.principal.roles,
  policyVersion: ctx.access.policyVersion,
  requestId: ctx.requestId,
  subgraph: ctx.subgraph,
  clientAddress: ctx.clientAddress,
  via: 'graphql',
});

async function change(ctx: KoeContext, mutation: string, principalId: string, what: AccessChange): Promise<Principal> {
  ctx.access.assertCanMutate(mutation);
  return toPrincipal((await changeAccess(ctx.em, principalId, what, graphqlActor(ctx), ctx.access.policy)).principal);
}

@Resolver(() => Principal)
export class PrincipalMutationResolver {
  @Mutation(() => Principal, {
    description:
      'Grants a role the policy defines; effective on the principal’s next request. Never to oneself, never against the policy’s separationOfDuties. ' +
      'A privileged role is not granted at once: the principal comes back unchanged and a PENDING grantRequests entry waits for another admin’s approveGrant.',
  })
  grantRole(@Ctx() ctx: KoeContext, @Arg('principalId', () => ID) principalId: string, @Arg('role', () => String) role: string): Promise<Principal> {
    return change(ctx, 'grantRole', principalId, { kind: 'grantRole', role });
  }

  @Mutation(() => Principal, { description: 'Revokes a role; the principal’s next request no longer has it.' })
  revokeRole(@Ctx() ctx: KoeContext, @Arg('principalId', () => ID) principalId: string, @Arg('role', () => String) role: string): Promise<Principal> {
    return change(ctx, 'revokeRole', principalId, { kind: 'revokeRole', role });
  }

  @Mutation(() => Principal, { description: 'A leaver: every later request of the principal is refused with 401, tokens and API keys alike.' })
  disablePrincipal(@Ctx() ctx: KoeContext, @Arg('principalId', () => ID) principalId: string): Promise<Principal> {
    return change(ctx, 'disablePrincipal', principalId, { kind: 'disablePrincipal' });
  }

  @Mutation(() => Principal)
  enablePrincipal(@Ctx() ctx: KoeContext, @Arg('principalId', () => ID) principalId: string): Promise<Principal> {
    return change(ctx, 'enablePrincipal', principalId, { kind: 'enablePrincipal' });
  }

  @Mutation(() => Principal, { description: 'A mover: team-scoped rules follow the new team from the next request. Null: no team.' })
  setPrincipalTeam(
    @Ctx() ctx: KoeContext,
    @Arg('principalId', () => ID) principalId: string,
    @Arg('teamId', () => ID, { nullable: true }) teamId: string | null,
  ): Promise<Principal> {
    return change(ctx, 'setPrincipalTeam', principalId, { kind: 'setPrincipalTeam', teamId });
  }
}
