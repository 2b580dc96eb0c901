/**
 * API keys over GraphQL (the console's Access screen), through the same functions as `koe access
 * keys`: listing for whoever may read ApiKey (admins, auditors), creating and revoking for admins
 * (the policy's Mutation rules). The secret is in the answer to `createApiKey` and nowhere else, so a
 * key is refused for a principal whose roles its creator could not be granted (access-checks.ts).
 */
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { assertMayHoldKeyOf } from '../../auth/access-checks.js';
import { createApiKey, revokeApiKey } from '../../auth/api-key-admin.js';
import { ApiKeyEntity, PrincipalEntity } from '../../data/entities/index.js';
import type { KoeContext } from '../../request/context.js';
import { BadUserInputError } from '../../request/errors.js';
import { ApiKey, ApiKeyConnection, CreatedApiKey } from '../../schema/types/api-key.type.js';
import { pageSize, toPage, type Page } from '../pagination.js';
import { graphqlActor } from './principal.mutation.js';
import { assertCanReadType } from './read-rule.js';

const toApiKey = (k: ApiKeyEntity): ApiKey => ({
  id: k.id, principalId: k.principalId, name: k.name, prefix: k.prefix, createdBy: k.createdBy,
  createdAt: k.createdAt, expiresAt: k.expiresAt, revokedAt: k.revokedAt, lastUsedAt: k.lastUsedAt,
});

const checkReason = (reason: string | null | undefined) => {
  if (reason != null && reason.length > 500) throw new BadUserInputError('reason', 'at most 500 characters');
};

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Query(() => ApiKeyConnection, { description: 'API keys (never their secrets), by id; of one principal when given (admins, auditors).' })
  async apiKeys(
    @Ctx() ctx: KoeContext,
    @Arg('principalId', () => ID, { nullable: true }) principalId: string | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<Page<ApiKey>> {
    assertCanReadType(ctx, 'ApiKey', 'prefix', 'API keys');
    const size = pageSize(first);
    const list = ctx.cursors.of('apiKeys:id:asc');
    const cursor = list.decode(after);
    const where = principalId ? { principalId } : {};
    const rows = await ctx.em.find(ApiKeyEntity, cursor ? { ...where, id: { $gt: cursor.id } } : where, { orderBy: { id: 'asc' }, limit: size + 1 });
    return toPage(rows.map(toApiKey), size, () => null, () => ctx.em.count(ApiKeyEntity, where), list);
  }

  @Mutation(() => CreatedApiKey, { description: 'A new API key for a principal; the key is in this answer only. Audited (access.createApiKey).' })
  async createApiKey(
    @Ctx() ctx: KoeContext,
    @Arg('principalId', () => ID) principalId: string,
    @Arg('name', () => String) name: string,
    @Arg('expiresAt', () => Date, { nullable: true }) expiresAt: Date | null,
    @Arg('reason', () => String, { nullable: true, description: 'Why, for the audit trail.' }) reason?: string | null,
  ): Promise<CreatedApiKey> {
    ctx.access.assertCanMutate('createApiKey');
    checkReason(reason);
    if (name.length > 128) throw new BadUserInputError('name', 'at most 128 characters');
    if (expiresAt && expiresAt <= new Date()) throw new BadUserInputError('expiresAt', 'must be in the future');
    // The secret comes back to the caller: a credential it could not be granted is refused.
    const target = await ctx.em.findOne(PrincipalEntity, { id: principalId });
    if (target) assertMayHoldKeyOf(ctx.access.policy, ctx.principal, target);
    const { key, row } = await createApiKey(ctx.em, { principalId, name, expiresAt: expiresAt ?? null }, graphqlActor(ctx));
    return { key, apiKey: toApiKey(row) };
  }

  @Mutation(() => ApiKey, { description: 'Revokes an API key (by id or prefix): its next request is a 401. Audited (access.revokeApiKey).' })
  async revokeApiKey(
    @Ctx() ctx: KoeContext,
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String, { nullable: true, description: 'Why, for the audit trail.' }) reason?: string | null,
  ): Promise<ApiKey> {
    ctx.access.assertCanMutate('revokeApiKey');
    checkReason(reason);
    return toApiKey(await revokeApiKey(ctx.em, id, graphqlActor(ctx)));
  }
}
