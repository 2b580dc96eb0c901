/**
 * Key status and the lifecycle dry run over GraphQL: the same `keyStatus()` and `findDue()` as
 * `koe keys status` and `koe lifecycle run` (without --apply), under the policy this request is
 * decided by. Who may read them is the policy's word: read rules on KeyStatus and LifecycleDryRun.
 */
import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { keyStatus } from '../../data/encryption/index.js';
import { findDue } from '../../data/lifecycle/index.js';
import type { KoeContext } from '../../request/context.js';
import { ForbiddenError } from '../../request/errors.js';
import { KeyStatus } from '../../schema/types/key-status.type.js';
import { LifecycleDryRun } from '../../schema/types/lifecycle-dry-run.type.js';

const DAY_SECONDS = 86_400;

@Resolver()
export class KeyLifecycleResolver {
  @Query(() => KeyStatus, { description: 'KEK versions, their ages and whether a rotation is due (admins, the DPO).' })
  async keyStatus(@Ctx() ctx: KoeContext): Promise<KeyStatus> {
    if (ctx.access.rowWhere('KeyStatus') === null) throw new ForbiddenError('Your roles may not read the key status');
    return keyStatus(ctx.em, ctx.crypto.provider, { maxAgeDays: ctx.access.policy.keys.rotationMaxAgeDays });
  }

  @Query(() => LifecycleDryRun, { description: 'What the lifecycle run would dispose of per category, counted, nothing changed (admins, the DPO).' })
  async lifecycleDryRun(
    @Ctx() ctx: KoeContext,
    @Arg('asOf', () => Date, { nullable: true, description: 'Evaluate the periods as of this time instead of now.' }) asOf: Date | null | undefined,
  ): Promise<LifecycleDryRun> {
    if (ctx.access.rowWhere('LifecycleDryRun') === null) throw new ForbiddenError('Your roles may not read the lifecycle dry run');
    const now = asOf ?? new Date();
    const policy = ctx.access.policy;
    const categories = await findDue(ctx.em, policy.lifecycle.rules, now);
    const auditRetention = policy.audit.retention.map((r) => ({ action: r.action, days: Math.floor(r.period / DAY_SECONDS) }));
    return { asOf: now, categories: categories.map((c) => ({ ...c, category: c.category as string })), auditRetention };
  }
}
