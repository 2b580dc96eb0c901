/** Access changes over GraphQL: admin only (the policy's Mutation rules), each one audited. */
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { changeAccess, type AccessChange } from '../../auth/access-change.js';
import type { AccessActor } from '../../auth/access-event.js';
import { BadUserInputError } from '../../request/errors.js';
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

async function change(ctx: KoeContext, mutation: string, principalId: string, what: AccessChange, reason?: string | null): Promise<Principal> {
  ctx.access.assertCanMutate(mutation);
  if (reason != null && reason.length > 500) throw new BadUserInputError('reason', 'at most 500 characters');
  return toPrincipal((await changeAccess(ctx.em, principalId, what, graphqlActor(ctx), ctx.access.policy, reason)).principal);
}

/** Why: optional, kept (masked) in the change's audit event for the next review. */
const REASON = { nullable: true, description: 'Why, for the audit trail (personal data in it is masked).' } as const;

@Resolver(() => Principal)
export class PrincipalMutationResolver {
  @Mutation(() => Principal, {
    description:
      'Grants a role the policy defines; effective on the principal’s next request. Never to oneself, never against the policy’s separationOfDuties. ' +
      'A privileged role is not granted at once: the principal comes back unchanged and a PENDING grantRequests entry waits for another admin’s approveGrant.',
  })
  grantRole(
    @Ctx() ctx: KoeContext,
    @Arg('principalId', () => ID) principalId: string,
    @Arg('role', () => String) role: string,
    @Arg('reason', () => String, REASON) reason?: string | null,
  ): Promise<Principal> {
    return change(ctx, 'grantRole', principalId, { kind: 'grantRole', role }, reason);
  }

  @Mutation(() => Principal, { description: 'Revokes a role; the principal’s next request no longer has it.' })
  revokeRole(
    @Ctx() ctx: KoeContext,
    @Arg('principalId', () => ID) principalId: string,
    @Arg('role', () => String) role: string,
    @Arg('reason', () => String, REASON) reason?: string | null,
  ): Promise<Principal> {
    return change(ctx, 'revokeRole', principalId, { kind: 'revokeRole', role }, reason);
  }

  @Mutation(() => Principal, { description: 'A leaver: every later request of the principal is refused with 401, tokens and API keys alike.' })
  disablePrincipal(@Ctx() ctx: KoeContext, @Arg('principalId', () => ID) principalId: string, @Arg('reason', () => String, REASON) reason?: string | null): Promise<Principal> {
    return change(ctx, 'disablePrincipal', principalId, { kind: 'disablePrincipal' }, reason);
  }

  @Mutation(() => Principal)
  enablePrincipal(@Ctx() ctx: KoeContext, @Arg('principalId', () => ID) principalId: string, @Arg('reason', () => String, REASON) reason?: string | null): Promise<Principal> {
    return change(ctx, 'enablePrincipal', principalId, { kind: 'enablePrincipal' }, reason);
  }

  @Mutation(() => Principal, { description: 'A mover: team-scoped rules follow the new team from the next request. Null: no team.' })
  setPrincipalTeam(
    @Ctx() ctx: KoeContext,
    @Arg('principalId', () => ID) principalId: string,
    @Arg('teamId', () => ID, { nullable: true }) teamId: string | null,
    @Arg('reason', () => String, REASON) reason?: string | null,
  ): Promise<Principal> {
    return change(ctx, 'setPrincipalTeam', principalId, { kind: 'setPrincipalTeam', teamId: teamId ?? null }, reason);
  }

  @Mutation(() => Principal, { description: 'From this instant on the principal is refused (401), tokens and API keys alike. Null: no end.' })
  setPrincipalExpiry(
    @Ctx() ctx: KoeContext,
    @Arg('principalId', () => ID) principalId: string,
    @Arg('expiresAt', () => Date, { nullable: true }) expiresAt: Date | null,
    @Arg('reason', () => String, REASON) reason?: string | null,
  ): Promise<Principal> {
    return change(ctx, 'setPrincipalExpiry', principalId, { kind: 'setPrincipalExpiry', expiresAt: expiresAt ?? null }, reason);
  }
}
