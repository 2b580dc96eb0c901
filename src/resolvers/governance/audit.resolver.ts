import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { AuditEventEntity } from '../../data/entities/index.js';
import type { Lean } from '../../data/lean-rows.js';
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
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<Lean<AuditEventEntity>>> {
    return listAuditEvents(ctx, { filter, first, after }, info);
  }

  @Query(() => AuditEvent, { nullable: true, description: 'One event by its sequence number: its fields with decision counts, records, policy version and chain links.' })
  async auditEvent(@Ctx() ctx: KoeContext, @Arg('seq', () => Int) seq: number, @Info() info: GraphQLResolveInfo): Promise<Lean<AuditEventEntity> | null> {
    return findAuditEvent(ctx, seq, info);
  }

  @FieldResolver(() => Int)
  seq(@Root() event: Lean<AuditEventEntity>): number {
    return Number(event.seq);
  }
  // `claimedActorId` is kept in `detail` (hash-chained with the rest of the event), apart from the
  // verified `actorId`; the entity reads it with a formula (AuditEventEntity.claimedActorId).
}
