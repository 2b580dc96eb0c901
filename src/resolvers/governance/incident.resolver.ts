/**
 * Incidents over GraphQL, for the console: `incidentReport` (the DPO and auditors: the policy's
 * IncidentReport rule) and `containPrincipal` (admins: the policy's Mutation rule). Contact details
 * are not in the report itself: each customer is a federated `Customer`, whose personal fields the
 * customers subgraph decides (and audits) for the caller as anywhere else.
 */
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Sql } from '../../audit/chain-reader.js';
import { buildIncidentReport, IncidentScopeError } from '../../audit/incident/incident-report.js';
import { containPrincipal } from '../../auth/contain-principal.js';
import { BadUserInputError, ForbiddenError } from '../../request/errors.js';
import type { KoeContext } from '../../request/context.js';
import { Containment, IncidentReport } from '../../schema/types/incident-report.type.js';
import { graphqlActor } from './principal.mutation.js';

@Resolver(() => IncidentReport)
export class IncidentResolver {
  @Query(() => IncidentReport, {
    description:
      'Whose data a principal, API key or client address saw, and in what form (PLAIN / MASKED), from the audit trail, verified first. ' +
      'Checkpoint signatures are checked by `koe incident report`, which holds the key.',
  })
  async incidentReport(
    @Ctx() ctx: KoeContext,
    @Arg('principalId', () => ID, { nullable: true }) principalId: string | null,
    @Arg('apiKeyPrefix', () => String, { nullable: true }) apiKeyPrefix: string | null,
    @Arg('address', () => String, { nullable: true }) address: string | null,
    @Arg('since', () => Date, { nullable: true }) since: Date | null,
    @Arg('until', () => Date, { nullable: true }) until: Date | null,
  ): Promise<IncidentReport> {
    if (ctx.access.decide('IncidentReport', 'generatedAt', {}).decision !== 'PLAIN') {
      throw new ForbiddenError('Your roles may not read incident reports (the DPO and auditors)');
    }
    const sql: Sql = (q, params = []) => ctx.em.getConnection().execute(q, params);
    try {
      const r = await buildIncidentReport(sql, { principalId, apiKeyPrefix, address, since, until }, { policy: ctx.access.policy });
      const { scope, customers, exposureEvents, ...rest } = r;
      return {
        ...rest,
        exactEvents: exposureEvents.exact,
        upperBoundEvents: exposureEvents.upperBound,
        ...scope,
        customers: customers.map((c) => ({ ...c, customer: { id: c.customerId } })),
      };
    } catch (e) {
      if (e instanceof IncidentScopeError) throw new BadUserInputError(e.argument, e.message);
      throw e;
    }
  }

  @Mutation(() => Containment, {
    description: 'Disables the principal and revokes its API keys in one audited transaction; its next request is a 401. Refused for the last active admin.',
  })
  async containPrincipal(
    @Ctx() ctx: KoeContext,
    @Arg('principalId', () => ID) principalId: string,
    @Arg('reason', () => String) reason: string,
  ): Promise<Containment> {
    ctx.access.assertCanMutate('containPrincipal');
    const done = await containPrincipal(ctx.em, principalId, reason, graphqlActor(ctx), ctx.access.policy);
    return { principalId: done.principal.id, status: done.principal.status, revokedKeys: done.revokedKeys, wasDisabled: done.wasDisabled };
  }
}
