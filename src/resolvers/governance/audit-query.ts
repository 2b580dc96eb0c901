/** Auditors' view of the trail: newest first, filters pushed into SQL, keyset on the sequence number. */
import { raw, type EntityManager } from '@mikro-orm/postgresql';
import { AuditEventEntity } from '../../data/entities/index.js';
import type { AuditEventFilter } from '../../schema/inputs/audit.input.js';
import { withRows, type RequestAccess } from '../../request/access.js';
import { pageSize, toPage, type Page } from '../pagination.js';
import { type Cursors } from '../../request/cursors.js';
import { BadUserInputError } from '../../request/errors.js';

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

export async function listAuditEvents(em: EntityManager, access: RequestAccess, cursors: Cursors, args: AuditListArgs): Promise<Page<AuditEventEntity>> {
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
  const rows = await em.find(AuditEventEntity, where, { orderBy: { seq: 'desc' }, limit: size + 1 });
  return toPage(rows, size, (r) => String(r.seq), () => em.count(AuditEventEntity, filtered()!), list);
}

export async function findAuditEvent(em: EntityManager, access: RequestAccess, seq: number): Promise<AuditEventEntity | null> {
  if (!Number.isInteger(seq) || seq < 1) throw new BadUserInputError('seq', 'a positive sequence number');
  const where = withRows(access, 'AuditEvent', { seq: String(seq) });
  return where === null ? null : em.findOne(AuditEventEntity, where);
}
