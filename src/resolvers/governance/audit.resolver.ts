import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { AuditEventEntity } from '../../data/entities/index.js';
import { AuditEventFilter } from '../../schema/inputs/audit.input.js';
import { AuditEvent, AuditEventConnection } from '../../schema/types/audit-event.type.js';
import type { KoeContext } from '../../request/context.js';
import type { Page } from '../pagination.js';
import { findAuditEvent, listAuditEvents } from './audit-query.js';

@Resolver(() => AuditEvent)
export class AuditEventResolver {
  @Query(() => AuditEventConnection, { description: 'The audit trail, newest first (auditors, admins, the DPO).' })
  auditEvents(
    @Ctx() ctx: KoeContext,
    @Arg('filter', () => AuditEventFilter, { nullable: true }) filter: AuditEventFilter | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<Page<AuditEventEntity>> {
    return listAuditEvents(ctx.em, ctx.access, ctx.cursors, { filter, first, after });
  }

  @Query(() => AuditEvent, { nullable: true, description: 'One event by its sequence number: its fields with decision counts, records, policy version and chain links.' })
  async auditEvent(@Ctx() ctx: KoeContext, @Arg('seq', () => Int) seq: number): Promise<AuditEventEntity | null> {
    return findAuditEvent(ctx.em, ctx.access, seq);
  }

  @FieldResolver(() => Int)
  seq(@Root() event: AuditEventEntity): number {
    return Number(event.seq);
  }

  // Kept in `detail` (hash-chained with the rest of the event), apart from the verified `actorId`.
  @FieldResolver(() => ID, { nullable: true })
  claimedActorId(@Root() event: AuditEventEntity): string | null {
    const claimed = event.detail?.claimedPrincipalId;
    return typeof claimed === 'string' ? claimed : null;
  }
}
