/** Auditors' view of the trail: newest first, filters pushed into SQL, keyset on the sequence number. */
import { raw } from '@mikro-orm/postgresql';
import type { GraphQLResolveInfo } from 'graphql';
import { AuditEventEntity } from '../../data/entities/index.js';
import { leanFind, type Lean } from '../../data/lean-rows.js';
import type { AuditEventFilter } from '../../schema/inputs/audit.input.js';
import { withRows } from '../../request/access.js';
import { pageSize, toPage, type ListContext, type Page } from '../pagination.js';
import { BadUserInputError } from '../../request/errors.js';
import { selectedProperties } from '../selected-columns.js';

export interface AuditListArgs {
  filter?: AuditEventFilter | null;
  first?: number | null;
  after?: string | null;
}

function conditionsOf(f: AuditEventFilter | null | undefined): object[] {
  if (!f) return [];
  const out: object[] = [];
  if (f.actorId) out.push({ actorId: f.actorId });
  if (f.claimedActorId) out.push({ [raw(`detail->>'claimedPrincipalId' = ?`, [f.claimedActorId])]: [] } as object);
  if (f.action) out.push({ action: f.action });
  if (f.outcome) out.push({ outcome: f.outcome });
  if (f.after) out.push({ at: { $gte: f.after } });
  if (f.before) out.push({ at: { $lt: f.before } });
  if (f.resource) out.push({ resources: { $contains: [f.resource] } });
  if (f.field || f.decision) {
    const match = { ...(f.field ? { field: f.field } : {}), ...(f.decision ? { decision: f.decision } : {}) };
    out.push({ [raw('fields @> ?::jsonb', [JSON.stringify([match])])]: [] } as object);
  }
  return out;
}

/**
 * `info`: the field being resolved, whose selection decides the columns read (none: all of them).
 * Only this GraphQL view narrows: verification and `koe audit verify` read the chain themselves,
 * every hashed column (src/audit/chain-reader.ts).
 */
export async function listAuditEvents(ctx: ListContext, args: AuditListArgs, info?: GraphQLResolveInfo): Promise<Page<Lean<AuditEventEntity>>> {
  const { em, access, cursors, touched } = ctx;
  const size = pageSize(args.first);
  const list = cursors.of('auditEvents:seq:desc');
  const cursor = list.decode(args.after);
  if (cursor && (typeof cursor.value !== 'string' || !/^\d+$/.test(cursor.value))) {
    throw new BadUserInputError('after', 'cursor is not from this list');
  }
  // Built afresh for each query: a `raw()` fragment (the jsonb match) is consumed by the query that uses it.
  const filtered = () => {
    const conditions = conditionsOf(args.filter);
    return withRows(access, 'AuditEvent', conditions.length ? { $and: conditions } : {});
  };
  const first = filtered();
  if (first === null) return toPage([], size, () => null, async () => 0, list);
  const where = cursor ? { $and: [first, { seq: { $lt: cursor.value } }] } : first;
  const rows = await leanFind(em, touched, AuditEventEntity, where, { orderBy: { seq: 'desc' }, limit: size + 1, properties: selectedProperties(ctx, info, 'AuditEvent') });
  return toPage(rows, size, (r) => String(r.seq), () => em.count(AuditEventEntity, filtered()!), list);
}

export async function findAuditEvent(ctx: ListContext, seq: number, info?: GraphQLResolveInfo): Promise<Lean<AuditEventEntity> | null> {
  if (!Number.isInteger(seq) || seq < 1) throw new BadUserInputError('seq', 'a positive sequence number');
  const where = withRows(ctx.access, 'AuditEvent', { seq: String(seq) });
  if (where === null) return null;
  const [row] = await leanFind(ctx.em, ctx.touched, AuditEventEntity, where, { limit: 1, properties: selectedProperties(ctx, info, 'AuditEvent') });
  return row ?? null;
}
