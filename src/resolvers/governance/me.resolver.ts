import { Ctx, Query, Resolver } from 'type-graphql';
import { Me } from '../../schema/types/principal.type.js';
import type { KoeContext } from '../../request/context.js';

@Resolver(() => Me)
export class MeResolver {
  @Query(() => Me, { description: "The caller, and the policy's decision for every personal field." })
  me(@Ctx() ctx: KoeContext): Me {
    const p = ctx.principal;
    return {
      id: p.id,
      displayName: p.displayName,
      roles: [...p.roles],
      teamId: p.teamId,
      purpose: ctx.purpose,
      policyVersion: ctx.access.policyVersion,
      decisions: ctx.access.decisions(),
    };
  }
}
