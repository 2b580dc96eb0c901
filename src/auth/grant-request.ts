/**
 * Grants of privileged roles (`privileged: true` in the policy: admin, dpo) need two people: one
 * admin requests, another admin, neither the requester nor the grantee, approves before the
 * request expires (`grantApproval.expiresAfter`). The requester may cancel; any admin may reject.
 * Every step is an audit event (`access.grantRequested`, `access.grantApproved`,
 * `access.grantRejected`, `access.grantCancelled`, `access.grantExpired`) in the transaction of
 * the step itself. Separation of duties is checked again at approval: roles may have changed.
 */
import { randomUUID } from 'node:crypto';
import { LockMode, TransactionPropagation, type EntityManager } from '@mikro-orm/postgresql';
import { appendAuditEvents } from '../audit/append.js';
import { GrantRequestEntity, type GrantRequestStatus, type PrincipalEntity } from '../data/entities/index.js';
import type { PolicySet } from '../policies/index.js';
import { BadUserInputError, ForbiddenError } from '../request/errors.js';
import { assertKeyCreatorsMayHold, assertNoDutyConflict, lockPrincipal, stateOf } from './access-checks.js';
import { auditAccessEvent, type AccessActor } from './access-event.js';

export type GrantDecision = 'approve' | 'reject' | 'cancel';

const EVENT: Record<GrantDecision, string> = { approve: 'access.grantApproved', reject: 'access.grantRejected', cancel: 'access.grantCancelled' };
const STATUS: Record<GrantDecision, GrantRequestStatus> = { approve: 'approved', reject: 'rejected', cancel: 'cancelled' };

const resourcesOf = (r: GrantRequestEntity) => [`Principal:${r.principalId}`, `GrantRequest:${r.id}`];
const requestDetail = (r: GrantRequestEntity) => ({ principalId: r.principalId, role: r.role, grantRequestId: r.id, requestedBy: r.requestedBy, expiresAt: r.expiresAt.toISOString() });

/**
 * Opens the request for `role` on the locked principal `p` (the caller checked self-grant and
 * separation of duties). One pending request per principal and role: asking again returns it.
 */
export async function openGrantRequest(tx: EntityManager, p: PrincipalEntity, role: string, actor: AccessActor, policy: PolicySet): Promise<GrantRequestEntity> {
  const now = new Date();
  // A stale request would hold the one pending slot for this principal and role.
  await expireDueGrantRequests(tx, actor, now, { principalId: p.id, role });
  const open = await tx.findOne(GrantRequestEntity, { principalId: p.id, role, status: 'pending' });
  if (open) return open;
  const r = tx.create(GrantRequestEntity, {
    id: randomUUID(), principalId: p.id, role, requestedBy: actor.id, requestedAt: now,
    expiresAt: new Date(now.getTime() + policy.governance.grantApprovalTtl * 1000), status: 'pending', decidedBy: null, decidedAt: null, reason: null,
  });
  await tx.flush();
  await appendAuditEvents(tx, [auditAccessEvent(actor, 'access.grantRequested', resourcesOf(r), { ...requestDetail(r), before: stateOf(p) }, now)]);
  return r;
}

/**
 * Marks every pending request past its expiry as `expired`, one `access.grantExpired` event each
 * (no actor: time decided it; `observedBy` says whose action noticed). Runs in the caller's
 * transaction; `expireNow` commits on its own so a refusal that follows cannot roll it back.
 */
export async function expireDueGrantRequests(
  tx: EntityManager,
  observer: AccessActor,
  now: Date = new Date(),
  only: { principalId?: string; role?: string } = {},
): Promise<GrantRequestEntity[]> {
  const due = await tx.find(GrantRequestEntity, { ...only, status: 'pending', expiresAt: { $lte: now } }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (due.length === 0) return [];
  for (const r of due) {
    r.status = 'expired';
    r.decidedAt = r.expiresAt;
  }
  await tx.flush();
  await appendAuditEvents(tx, due.map((r) => ({
    ...auditAccessEvent(observer, 'access.grantExpired', resourcesOf(r), { ...requestDetail(r), observedBy: observer.id }, now),
    actorId: null,
    roles: [],
  })));
  return due;
}

/** Expires what is due in a transaction of its own, committed whatever the caller does next. */
export function expireNow(em: EntityManager, observer: AccessActor): Promise<GrantRequestEntity[]> {
  return em.transactional((tx) => expireDueGrantRequests(tx, observer), { propagation: TransactionPropagation.REQUIRES_NEW });
}

/** Approves, rejects or cancels a pending request, as `actor` (whose roles the caller checked against the policy). */
export async function decideGrantRequest(
  em: EntityManager,
  id: string,
  decision: GrantDecision,
  actor: AccessActor,
  policy: PolicySet,
  reason: string | null = null,
): Promise<GrantRequestEntity> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new BadUserInputError('id', `"${id}" is not a grant request id`);
  await expireNow(em, actor);
  return em.transactional(async (tx) => {
    const r = await tx.findOne(GrantRequestEntity, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!r) throw new BadUserInputError('id', `no grant request "${id}"`);
    const now = new Date();
    if (r.status === 'expired' || (r.status === 'pending' && r.expiresAt <= now)) {
      throw new BadUserInputError('id', `the request for "${r.role}" on ${r.principalId} expired at ${r.expiresAt.toISOString()}; it can no longer be ${STATUS[decision]}: request the grant again`);
    }
    if (r.status !== 'pending') throw new BadUserInputError('id', `the request was already ${r.status} by ${r.decidedBy ?? '?'} at ${r.decidedAt?.toISOString() ?? '?'}`);
    assertMayDecide(r, decision, actor);
    const p = await lockPrincipal(tx, r.principalId);
    const before = stateOf(p);
    if (decision === 'approve' && !p.roles.includes(r.role)) {
      assertNoDutyConflict(policy, p, r.role);
      await assertKeyCreatorsMayHold(tx, policy, p, r.role);
      p.roles = [...p.roles, r.role];
      p.roleGrants = [...p.roleGrants, { role: r.role, grantedBy: r.requestedBy, grantedAt: now.toISOString(), approvedBy: actor.id }];
    }
    r.status = STATUS[decision];
    r.decidedBy = actor.id;
    r.decidedAt = now;
    r.reason = reason;
    await tx.flush();
    const detail = { ...requestDetail(r), ...(reason ? { reason } : {}), before, after: stateOf(p) };
    await appendAuditEvents(tx, [auditAccessEvent(actor, EVENT[decision], resourcesOf(r), detail, now)]);
    return r;
  });
}

/** Two people for every privileged grant: the requester and the grantee cannot approve; only the requester cancels. */
function assertMayDecide(r: GrantRequestEntity, decision: GrantDecision, actor: AccessActor): void {
  if (decision === 'cancel') {
    if (actor.id !== r.requestedBy) throw new ForbiddenError(`Only the requester (${r.requestedBy}) may cancel this request; reject it instead`, { argument: 'id' });
    return;
  }
  if (decision !== 'approve') return;
  if (actor.id === r.requestedBy) throw new ForbiddenError(`The requester cannot approve its own request: another admin must approve "${r.role}" for ${r.principalId}`, { argument: 'id' });
  if (actor.id === r.principalId) throw new ForbiddenError(`No principal may approve a grant to itself: another admin must approve "${r.role}" for ${r.principalId}`, { argument: 'id' });
}

/** A request as listed: plain data (never a managed entity a later flush could write back). */
export type GrantRequestView = Pick<GrantRequestEntity, 'id' | 'principalId' | 'role' | 'requestedBy' | 'requestedAt' | 'expiresAt' | 'status' | 'decidedBy' | 'decidedAt' | 'reason'>;

export function viewOf(r: GrantRequestEntity, now: Date = new Date()): GrantRequestView {
  const { id, principalId, role, requestedBy, requestedAt, expiresAt, status, decidedBy, decidedAt, reason } = r;
  const expired = status === 'pending' && expiresAt <= now;
  return { id, principalId, role, requestedBy, requestedAt, expiresAt, status: expired ? 'expired' : status, decidedBy, decidedAt: expired ? expiresAt : decidedAt, reason };
}

export interface GrantRequestFilter {
  status?: GrantRequestStatus | null;
  principalId?: string | null;
  /** The caller's row condition from the policy (`{}`: every row). */
  rows?: object;
}

function whereOf(filter: GrantRequestFilter, now: Date): object {
  const where: object[] = [];
  if (filter.rows && Object.keys(filter.rows).length) where.push(filter.rows);
  if (filter.principalId) where.push({ principalId: filter.principalId });
  if (filter.status === 'pending') where.push({ status: 'pending', expiresAt: { $gt: now } });
  else if (filter.status === 'expired') where.push({ $or: [{ status: 'expired' }, { status: 'pending', expiresAt: { $lte: now } }] });
  else if (filter.status) where.push({ status: filter.status });
  return where.length ? { $and: where } : {};
}

/**
 * Requests newest first, keyset on (requestedAt, id). A pending request past its expiry is
 * reported as `expired` even before a sweep has marked it.
 */
export async function listGrantRequests(
  em: EntityManager,
  filter: GrantRequestFilter,
  limit: number,
  after: { requestedAt: Date; id: string } | null,
  now: Date = new Date(),
): Promise<GrantRequestView[]> {
  const where = whereOf(filter, now);
  const page = after ? { $or: [{ requestedAt: { $lt: after.requestedAt } }, { requestedAt: after.requestedAt, id: { $lt: after.id } }] } : null;
  const rows = await em.find(GrantRequestEntity, page ? { $and: [where, page] } : where, { orderBy: { requestedAt: 'desc', id: 'desc' }, limit });
  return rows.map((r) => viewOf(r, now));
}

export function countGrantRequests(em: EntityManager, filter: GrantRequestFilter, now: Date = new Date()): Promise<number> {
  return em.count(GrantRequestEntity, whereOf(filter, now));
}
