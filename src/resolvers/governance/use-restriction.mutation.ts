/**
 * Cessation of use (APPI Art. 35), a compliance act of the DPO: `restrictUse` records that one
 * customer's data may no longer be used for the given purposes. From the next request on, a
 * request judged under one of them (declared in X-Koe-Purpose, or served by one of its roles) sees
 * neither the customer nor their feedback, purchases or consents
 * (src/policies/ability/use-restriction.ts). `liftRestriction` ends a restriction the same way. Each change and its audit event are
 * written in one transaction: no change without its record.
 */
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { LockMode } from '@mikro-orm/core';
import { appendAuditEvents } from '../../audit/append.js';
import { maskReason } from '../../audit/mutation-detail.js';
import { auditAccessEvent } from '../../auth/access-event.js';
import { biScrub } from '../../data/bi/index.js';
import { CustomerEntity, UseRestrictionEntity } from '../../data/entities/index.js';
import { UNRESTRICTABLE_PURPOSES } from '../../policies/index.js';
import { purposeHint } from '../../request/access.js';
import { BadUserInputError, ForbiddenError } from '../../request/errors.js';
import { UseRestriction, UseRestrictionConnection } from '../../schema/types/use-restriction.type.js';
import type { KoeContext } from '../../request/context.js';
import { uuidArg } from '../ids.js';
import { pageSize, toPage, type Page } from '../pagination.js';
import { declaredPurposeArg } from '../purpose-arg.js';

type Listed = UseRestriction & { id: string };

function assertCanRead(ctx: KoeContext): void {
  if (ctx.access.decide('UseRestriction', 'purposes', {}).decision !== 'PLAIN') throw new ForbiddenError(`Your roles may not read use restrictions${purposeHint(ctx.access.liftingPurpose('UseRestriction', 'purposes', {}))}`);
}

@Resolver(() => UseRestriction)
export class UseRestrictionResolver {
  @Query(() => UseRestriction, { nullable: true, description: 'The purposes one customer is restricted for now (the DPO, for a compliance case); null: none.' })
  async useRestriction(@Ctx() ctx: KoeContext, @Arg('customerId', () => ID) customerId: string): Promise<UseRestriction | null> {
    assertCanRead(ctx);
    const id = uuidArg('customerId', customerId);
    const rows = await ctx.em.find(UseRestrictionEntity, { customer: id }, { orderBy: { purpose: 'asc' } });
    if (!rows.length) return null;
    return { customerId: id, purposes: rows.map((r) => r.purpose), restrictedAt: rows.reduce((a, r) => (r.restrictedAt < a ? r.restrictedAt : a), rows[0]!.restrictedAt) };
  }

  // Koe completes disclosure and erasure in the request that asks for them; a restriction is the
  // subject request that stays open until lifted, so this is the DPO's list of open requests.
  @Query(() => UseRestrictionConnection, {
    description: 'Every customer restricted now (standing requests to stop use, APPI Art. 35), newest restriction first; the DPO, for a compliance case.',
  })
  async useRestrictions(
    @Ctx() ctx: KoeContext,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<Page<Listed>> {
    assertCanRead(ctx);
    const size = pageSize(first);
    const list = ctx.cursors.of('useRestrictions:restrictedAt:desc');
    const cursor = list.decode(after);
    if (cursor && (typeof cursor.value !== 'string' || Number.isNaN(Date.parse(cursor.value)))) throw new BadUserInputError('after', 'cursor is not from this list');
    // Keyset on (newest restriction of the customer, customer id), one row per customer.
    const rows = await ctx.em.execute<Array<{ customer_id: string; purposes: string[]; restricted_at: Date }>>(
      `select customer_id, array_agg(purpose order by purpose) as purposes, max(restricted_at) as restricted_at from use_restriction group by customer_id
       ${cursor ? 'having (max(restricted_at), customer_id) < (?::timestamptz, ?::uuid)' : ''}
       order by max(restricted_at) desc, customer_id desc limit ?`,
      [...(cursor ? [cursor.value, cursor.id] : []), size + 1],
    );
    const nodes = rows.map((r) => ({ id: r.customer_id, customerId: r.customer_id, purposes: r.purposes, restrictedAt: new Date(r.restricted_at) }));
    const count = async () => Number((await ctx.em.execute<Array<{ n: string }>>('select count(distinct customer_id) as n from use_restriction'))[0]!.n);
    return toPage(nodes, size, (r) => r.restrictedAt.toISOString(), count, list);
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
