/**
 * Cessation of use (APPI Art. 35), a compliance act of the DPO: `restrictUse` records that one
 * customer's data may no longer be used for the given purposes. From the next request on, a
 * request judged under one of them (declared in X-Koe-Purpose, or served by one of its roles) sees
 * neither the customer nor their feedback, purchases or consents
 * (src/policies/ability/use-restriction.ts). `liftRestriction` ends a restriction the same way. Each change and its audit event are
 * written in one transaction: no change without its record.
 */
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { LockMode } from '@mikro-orm/core';
import { appendAuditEvents } from '../../audit/append.js';
import { maskReason } from '../../audit/mutation-detail.js';
import { auditAccessEvent } from '../../auth/access-event.js';
import { biScrub } from '../../data/bi/index.js';
import { CustomerEntity, UseRestrictionEntity } from '../../data/entities/index.js';
import { UNRESTRICTABLE_PURPOSES } from '../../policies/index.js';
import { purposeHint } from '../../request/access.js';
import { BadUserInputError, ForbiddenError } from '../../request/errors.js';
import { UseRestriction } from '../../schema/types/use-restriction.type.js';
import type { KoeContext } from '../../request/context.js';
import { uuidArg } from '../ids.js';
import { declaredPurposeArg } from '../purpose-arg.js';

@Resolver(() => UseRestriction)
export class UseRestrictionResolver {
  @Query(() => UseRestriction, { nullable: true, description: 'The purposes one customer is restricted for now (the DPO, for a compliance case); null: none.' })
  async useRestriction(@Ctx() ctx: KoeContext, @Arg('customerId', () => ID) customerId: string): Promise<UseRestriction | null> {
    if (ctx.access.decide('UseRestriction', 'purposes', {}).decision !== 'PLAIN') throw new ForbiddenError(`Your roles may not read use restrictions${purposeHint(ctx.access.liftingPurpose('UseRestriction', 'purposes', {}))}`);
    const id = uuidArg('customerId', customerId);
    const rows = await ctx.em.find(UseRestrictionEntity, { customer: id }, { orderBy: { purpose: 'asc' } });
    if (!rows.length) return null;
    return { customerId: id, purposes: rows.map((r) => r.purpose), restrictedAt: rows.reduce((a, r) => (r.restrictedAt < a ? r.restrictedAt : a), rows[0]!.restrictedAt) };
  }

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
    const { id, unique } = await checkedArgs(ctx, customerId, purposes, reason, 'stopped');
    const restrictedAt = new Date();
    // One transaction (nested in the request's when it has one): no restriction without its record.
    const now = await ctx.em.transactional(async (tx) => {
      // A purpose already restricted keeps its first time, reason and DPO.
      await tx.upsertMany(
        UseRestrictionEntity,
        unique.map((purpose) => ({ customer: id, purpose, restrictedAt, reason: maskReason(reason), restrictedBy: ctx.principal.id })),
        { onConflictFields: ['customer', 'purpose'], onConflictAction: 'ignore' },
      );
      // Out of the BI schemas with it (docs/bi.md); the next sync brings them back where no restriction binds the BI role.
      await biScrub(tx, [id]);
      await appendAuditEvents(tx, [{ ...auditAccessEvent(actorOf(ctx), 'subject.restriction', [`Customer:${id}`], { customerId: id, purposes: unique, reason: maskReason(reason) }), purpose: ctx.purpose }]);
      return tx.find(UseRestrictionEntity, { customer: id }, { orderBy: { purpose: 'asc' } });
    });
    return { customerId: id, purposes: now.map((r) => r.purpose), restrictedAt };
  }

  @Mutation(() => UseRestriction, {
    description: 'Lets a customer’s data be used again for the given purposes from the next request on (the ground for restricting them ended); the restrictions left are returned.',
  })
  async liftRestriction(
    @Ctx() ctx: KoeContext,
    @Arg('customerId', () => ID) customerId: string,
    @Arg('purposes', () => [String]) purposes: string[],
    @Arg('reason', () => String) reason: string,
  ): Promise<UseRestriction> {
    ctx.access.assertCanMutate('liftRestriction');
    const { id, unique } = await checkedArgs(ctx, customerId, purposes, reason, 'lifted');
    const liftedAt = new Date();
    const left = await ctx.em.transactional(async (tx) => {
      // Locked, so two DPOs lifting and restricting at once cannot both judge from a stale list.
      const current = await tx.find(UseRestrictionEntity, { customer: id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const notRestricted = unique.filter((p) => !current.some((r) => r.purpose === p));
      if (notRestricted.length) throw new BadUserInputError('purposes', `the customer is not restricted for ${notRestricted.map((p) => `"${p}"`).join(', ')}`);
      await tx.nativeDelete(UseRestrictionEntity, { customer: id, purpose: { $in: unique } });
      await appendAuditEvents(tx, [{ ...auditAccessEvent(actorOf(ctx), 'subject.restrictionLifted', [`Customer:${id}`], { customerId: id, purposes: unique, reason: maskReason(reason) }), purpose: ctx.purpose }]);
      return current.filter((r) => !unique.includes(r.purpose)).map((r) => r.purpose).sort();
    });
    return { customerId: id, purposes: left, restrictedAt: liftedAt };
  }
}

/** The arguments both mutations share, checked before anything is written (BAD_USER_INPUT naming the argument). */
async function checkedArgs(ctx: KoeContext, customerId: string, purposes: string[], reason: string, verb: 'stopped' | 'lifted'): Promise<{ id: string; unique: string[] }> {
  const id = uuidArg('customerId', customerId);
  if (!reason.trim()) throw new BadUserInputError('reason', `say why the use is ${verb} (the request, its date and reference)`);
  if (!purposes.length) throw new BadUserInputError('purposes', `name at least one purpose`);
  for (const p of purposes) {
    declaredPurposeArg(ctx.access, 'purposes', p);
    if (UNRESTRICTABLE_PURPOSES.includes(p)) throw new BadUserInputError('purposes', `"${p}" cannot be restricted: the DPO must still be able to disclose and erase`);
  }
  if (!(await ctx.em.findOne(CustomerEntity, { id }))) throw new BadUserInputError('customerId', `no customer "${customerId}"`);
  return { id, unique: [...new Set(purposes)].sort() };
}

function actorOf(ctx: KoeContext) {
  return { id: ctx.principal.id, roles: ctx.principal.roles, policyVersion: ctx.access.policyVersion, requestId: ctx.requestId, subgraph: ctx.subgraph, clientAddress: ctx.clientAddress, via: 'graphql' as const };
}
