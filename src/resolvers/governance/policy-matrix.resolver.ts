/**
 * The decision matrix over GraphQL, from the same `matrix()` as `koe policy matrix` and the policy
 * this request is decided by. Who may read it is the policy's word: a read rule on PolicyMatrix.
 */
import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { matrix } from '../../policies/index.js';
import type { KoeContext } from '../../request/context.js';
import { BadUserInputError, ForbiddenError } from '../../request/errors.js';
import { PolicyMatrix } from '../../schema/types/policy-matrix.type.js';

@Resolver(() => PolicyMatrix)
export class PolicyMatrixResolver {
  @Query(() => PolicyMatrix, { description: 'The decision of every role on every @pii field (admins, auditors, the DPO).' })
  policyMatrix(
    @Ctx() ctx: KoeContext,
    @Arg('purpose', () => String, { nullable: true, description: 'Decide purpose-bound rules for this purpose; left out: CONDITIONAL.' }) given: string | null | undefined,
  ): PolicyMatrix {
    const purpose = given ?? null;
    if (ctx.access.rowWhere('PolicyMatrix') === null) throw new ForbiddenError('Your roles may not read the policy matrix');
    const policy = ctx.access.policy;
    if (purpose !== null && !policy.purposes.has(purpose)) throw new BadUserInputError('purpose', `unknown purpose "${purpose}"`);
    const m = matrix(policy, policy.catalog, { purpose });
    const cells = m.roles.flatMap((role) => m.fields.map((field) => ({ role, field, ...m.cells[role]![field]! })));
    return { version: m.version, purpose: m.purpose, roles: [...m.roles], fields: [...m.fields], cells };
  }
}
