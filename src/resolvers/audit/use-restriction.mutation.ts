/**
 * Cessation of use (APPI Art. 35), a compliance act of the DPO: `restrictUse` records that one
 * customer's data may no longer be used for the given purposes. From the next request on, a
 * request declaring one of them sees neither the customer nor their feedback, purchases or
 * consents (src/policies/ability/use-restriction.ts). The restriction and its audit event are
 * written in one transaction: no restriction without its record.
 */
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { appendAuditEvents } from '../../audit/append.js';
import { maskReason } from '../../audit/mutation-detail.js';
import { auditAccessEvent } from '../../auth/access-event.js';
import { CustomerEntity, UseRestrictionEntity } from '../../data/entities/index.js';
import { UNRESTRICTABLE_PURPOSES } from '../../policies/index.js';
import { BadUserInputError } from '../../schema/errors.js';
import { UseRestriction } from '../../schema/types/use-restriction.type.js';
import type { KoeContext } from '../context.js';
import { uuidArg } from '../ids.js';
import { declaredPurposeArg } from '../purpose-arg.js';

@Resolver(() => UseRestriction)
export class UseRestrictionResolver {
  @Mutation(() => UseRestriction, {
    description: 'Stops the use of a customer’s data for the given purposes from the next request on (APPI Art. 35); compliance cannot be restricted.',
  })
  async restrictUse(
    @Ctx() ctx: KoeContext,
    @Arg('customerId', () => ID) customerId: string,
    @Arg('purposes', () => [String]) purposes: string[],
    @Arg('reason', () => String) reason: string,
  ): Promise<UseRestriction> {
    ctx.access.assertCanMutate('restrictUse');
    const id = uuidArg('customerId', customerId);
    if (!reason.trim()) throw new BadUserInputError('reason', 'say why the use is stopped (the request, its date and reference)');
    if (!purposes.length) throw new BadUserInputError('purposes', 'name at least one purpose to stop');
    for (const p of purposes) {
      declaredPurposeArg(ctx.access, 'purposes', p);
      if (UNRESTRICTABLE_PURPOSES.includes(p)) throw new BadUserInputError('purposes', `"${p}" cannot be restricted: the DPO must still be able to disclose and erase`);
    }
    if (!(await ctx.em.findOne(CustomerEntity, { id }))) throw new BadUserInputError('customerId', `no customer "${customerId}"`);
    const actor = { id: ctx.principal.id, roles: ctx.principal.roles, policyVersion: ctx.access.policyVersion, requestId: ctx.requestId, subgraph: ctx.subgraph, clientAddress: ctx.clientAddress, via: 'graphql' as const };
    const restrictedAt = new Date();
    const unique = [...new Set(purposes)].sort();
    const now = await ctx.em.transactional(async (tx) => {
      // A purpose already restricted keeps its first time, reason and DPO.
      await tx.upsertMany(
        UseRestrictionEntity,
        unique.map((purpose) => ({ customer: id, purpose, restrictedAt, reason: maskReason(reason), restrictedBy: ctx.principal.id })),
        { onConflictFields: ['customer', 'purpose'], onConflictAction: 'ignore' },
      );
      await appendAuditEvents(tx, [{ ...auditAccessEvent(actor, 'subject.restriction', [`Customer:${id}`], { customerId: id, purposes: unique, reason: maskReason(reason) }), purpose: ctx.purpose }]);
      return tx.find(UseRestrictionEntity, { customer: id }, { orderBy: { purpose: 'asc' } });
    });
    return { customerId: id, purposes: now.map((r) => r.purpose), restrictedAt };
  }
}
