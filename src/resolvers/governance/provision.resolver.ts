/**
 * Third-party provision records (APPI Art. 27–30). `recordProvision` is the DPO's, for a
 * compliance case: it applies the same selection as `koe provision export` (the recipient's
 * policy, the period, the consent the provision relies on) and writes the record with its audit
 * event in one transaction, for a provision whose data went by other means (the CLI is what
 * delivers data; GraphQL never returns it). `provisionRecords` lists records for the DPO and auditors.
 */
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { appendAuditEvents } from '../../audit/append.js';
import { auditAccessEvent } from '../../auth/access-event.js';
import { exportProvision, provisionDetail, ProvisionPurposeError, recipientMaskContext } from '../../data/provision/provision-export.js';
import { countProvisionRecords, listProvisionRecords, type ProvisionRecordRow } from '../../data/provision/provision-record.js';
import { BadUserInputError, ForbiddenError } from '../../request/errors.js';
import { ProvisionRecordFilter } from '../../schema/inputs/provision.input.js';
import { ProvisionRecord, ProvisionRecordConnection } from '../../schema/types/provision-record.type.js';
import type { KoeContext } from '../../request/context.js';
import { pageSize, toPage, type Page } from '../pagination.js';

@Resolver(() => ProvisionRecord)
export class ProvisionResolver {
  @Mutation(() => ProvisionRecord, {
    description:
      'Records a provision to a third party (APPI Art. 29) under its recipient policy: the feedback of the period (or of customerIds), ' +
      'customers without the consent relied on (third_party; transfer_abroad abroad) left out and counted. The data itself is exported by `koe provision export`.',
  })
  async recordProvision(
    @Ctx() ctx: KoeContext,
    @Arg('recipientId', () => ID) recipientId: string,
    @Arg('purpose', () => String) purpose: string,
    @Arg('since', () => Date, { nullable: true }) since: Date | null,
    @Arg('until', () => Date, { nullable: true }) until: Date | null,
    @Arg('customerIds', () => [ID], { nullable: true, description: 'Only these customers (a provision made by other means).' }) customerIds: string[] | null,
  ): Promise<ProvisionRecordRow> {
    ctx.access.assertCanMutate('recordProvision');
    const recipient = ctx.access.policy.recipients.get(recipientId);
    if (!recipient) throw new BadUserInputError('recipientId', `no recipient "${recipientId}" in recipients.policy.yaml`);
    if (since && until && since >= until) throw new BadUserInputError('until', 'must be after since');
    const actor = { id: ctx.principal.id, roles: ctx.principal.roles, policyVersion: ctx.access.policyVersion, requestId: ctx.requestId, subgraph: ctx.subgraph, clientAddress: ctx.clientAddress, via: 'graphql' as const };
    try {
      const done = await exportProvision(ctx.em, ctx.crypto, {
        recipient, purpose, since, until, customerIds, actorId: ctx.principal.id, via: 'graphql',
        maskContext: recipientMaskContext(ctx.maskContext.pseudonymKey, recipient.id),
        onRecorded: (tx, r) => appendAuditEvents(tx, [{ ...auditAccessEvent(actor, 'provision.record', [`ProvisionRecord:${r.record.id}`], provisionDetail(r)), purpose: ctx.purpose }]).then(() => undefined),
      });
      return done.record;
    } catch (e) {
      if (e instanceof ProvisionPurposeError) throw new BadUserInputError('purpose', e.message);
      throw e;
    }
  }

  @Query(() => ProvisionRecordConnection, { description: 'Third-party provision records, newest first (the DPO for compliance, auditors).' })
  async provisionRecords(
    @Ctx() ctx: KoeContext,
    @Arg('filter', () => ProvisionRecordFilter, { nullable: true }) filter: ProvisionRecordFilter | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<Page<ProvisionRecordRow>> {
    if (ctx.access.rowWhere('ProvisionRecord') === null) throw new ForbiddenError('Your roles may not read provision records (the DPO declaring compliance, or an auditor)');
    const size = pageSize(first);
    const list = ctx.cursors.of('provisionRecords:providedAt:desc');
    const cursor = list.decode(after);
    if (cursor && (typeof cursor.value !== 'string' || Number.isNaN(Date.parse(cursor.value)))) throw new BadUserInputError('after', 'cursor is not from this list');
    const rows = await listProvisionRecords(ctx.em, filter, size + 1, cursor ? { providedAt: cursor.value as string, id: cursor.id } : null);
    return toPage(rows, size, (r) => r.providedAt.toISOString(), () => countProvisionRecords(ctx.em, filter), list);
  }
}

