/**
 * Data-subject requests (APPI Art. 33–35), handled by the DPO for a compliance case: erasure
 * (crypto-shredding plus anonymised rows, src/data/erasure.ts) and disclosure of everything held
 * on one customer (src/data/subject-export.ts). Each is audited: the erasure by an event written in
 * its own transaction (no erasure without its record) and by the request's event; the export by
 * the request's event, which names the records read.
 */
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { appendAuditEvents } from '../../audit/append.js';
import { maskReason } from '../../audit/mutation-detail.js';
import { auditAccessEvent } from '../../auth/access-event.js';
import { ENCRYPTED_FIELDS } from '../../data/encryption/index.js';
import { CustomerEntity } from '../../data/entities/index.js';
import { eraseCustomer } from '../../data/erasure.js';
import { subjectExport } from '../../data/subject-export.js';
import { BadUserInputError, ForbiddenError } from '../../request/errors.js';
import { ErasureResult } from '../../schema/types/subject-request.type.js';
import type { KoeContext } from '../../request/context.js';

const COMPLIANCE = 'compliance';

@Resolver(() => ErasureResult)
export class SubjectRequestResolver {
  @Mutation(() => ErasureResult, {
    description: 'Erases a customer (APPI Art. 35): their data key is destroyed and their personal fields, purchase details and feedback texts removed; the rows stay for aggregates.',
  })
  async requestErasure(@Ctx() ctx: KoeContext, @Arg('customerId', () => ID) customerId: string, @Arg('reason', () => String) reason: string): Promise<ErasureResult> {
    ctx.access.assertCanMutate('requestErasure');
    if (!reason.trim()) throw new BadUserInputError('reason', 'say why the customer is erased (the request, its date and reference)');
    // Loaded through the request's EntityManager so the request's audit event names the customer.
    if (!(await ctx.em.findOne(CustomerEntity, { id: customerId }))) throw new BadUserInputError('customerId', `no customer "${customerId}"`);
    const actor = { id: ctx.principal.id, roles: ctx.principal.roles, policyVersion: ctx.access.policyVersion, requestId: ctx.requestId, subgraph: ctx.subgraph, clientAddress: ctx.clientAddress, via: 'graphql' as const };
    const done = await ctx.em.transactional(async (tx) => {
      const counts = await eraseCustomer(tx, customerId);
      if (!counts) throw new BadUserInputError('customerId', `no customer "${customerId}"`);
      await appendAuditEvents(tx, [{ ...auditAccessEvent(actor, 'subject.erasure', [`Customer:${customerId}`], { customerId, reason: maskReason(reason), ...counts }), purpose: ctx.purpose }]);
      return counts;
    });
    // The key row is gone with the commit; this instance must not keep opening it from memory.
    ctx.crypto.evict(customerId);
    return { customerId, erasedAt: done.erasedAt, feedbackScrubbed: done.feedbackScrubbed, purchasesAnonymised: done.purchasesAnonymised };
  }

  @Query(() => String, {
    description:
      'Everything held on one customer (APPI Art. 33), decrypted, as a JSON document (a string): customer fields, consents with their history, purchases, feedback. ' +
      'Needs the purpose compliance and PLAIN access to every personal field of the customer.',
  })
  async subjectExport(@Ctx() ctx: KoeContext, @Arg('customerId', () => ID) customerId: string): Promise<string> {
    if (ctx.purpose !== COMPLIANCE) throw new ForbiddenError(`subjectExport is a compliance act: declare it with the header X-Koe-Purpose: ${COMPLIANCE}`);
    const customer = await ctx.em.findOne(CustomerEntity, { id: customerId });
    // A disclosure shows everything, so the caller must be allowed to read every personal field in
    // plain; judged before the id is, so a caller who may not export learns nothing of which ids exist.
    for (const field of [...Object.keys(ENCRYPTED_FIELDS.Customer!), 'purchases']) {
      if (ctx.access.decide('Customer', field, customer ?? {}).decision !== 'PLAIN') throw new ForbiddenError(`Your roles may not read Customer.${field} in plain, so they may not export this customer`);
    }
    if (!customer) throw new BadUserInputError('customerId', `no customer "${customerId}"`);
    const exported = await subjectExport(ctx.em, ctx.crypto, customerId);
    for (const f of exported!.feedback) {
      if (ctx.access.decide('Feedback', 'body', { id: f.id, teamId: f.teamId }).decision !== 'PLAIN') throw new ForbiddenError('Your roles may not read this customer’s feedback in plain, so they may not export this customer');
    }
    return JSON.stringify(exported, null, 2);
  }
}
