import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { Principal, PrincipalConnection } from '../../schema/types/principal.type.js';
import type { KoeContext } from '../../request/context.js';
import type { Page } from '../pagination.js';
import { findPrincipal, listPrincipals } from './principal-query.js';

@Resolver(() => Principal)
export class PrincipalResolver {
  @Query(() => PrincipalConnection, { description: 'Everyone who may call Koe, with roles and who granted them (admins, auditors).' })
  principals(
    @Ctx() ctx: KoeContext,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<Page<Principal>> {
    return listPrincipals(ctx.em, ctx.access, ctx.cursors, { first, after });
  }

  @Query(() => Principal, { nullable: true })
  principal(@Ctx() ctx: KoeContext, @Arg('id', () => ID) id: string): Promise<Principal | null> {
    return findPrincipal(ctx.em, ctx.access, id);
  }
}
