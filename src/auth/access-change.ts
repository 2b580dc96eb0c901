/**
 * Every change to who may do what: grant and revoke a role, disable and enable a principal, move
 * it to another team, record a review. Each runs in one transaction (a savepoint inside a
 * request's transaction) that locks the principal row and appends its audit event (actor, target,
 * before and after): if the event cannot be written, the change is rolled back. GraphQL and the
 * CLI both come here, so both refuse the same grants: to oneself, and any that breaks the policy's
 * separation of duties. A privileged role is not granted here but requested (grant-request.ts).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { appendAuditEvents } from '../audit/append.js';
import { maskReason } from '../audit/mutation-detail.js';
import { type GrantRequestEntity, PrincipalEntity } from '../data/entities/index.js';
import { isPrivilegedRole, type PolicySet } from '../policies/index.js';
import { BadUserInputError } from '../request/errors.js';
import { assertKeyCreatorsMayHold, assertKnownRole, assertNoDutyConflict, assertNotSelfGrant, lockPrincipal, stateOf, type PrincipalState } from './access-checks.js';
import { auditAccessEvent, type AccessActor } from './access-event.js';
import { openGrantRequest } from './grant-request.js';

export type AccessChange =
  | { readonly kind: 'grantRole'; readonly role: string }
  | { readonly kind: 'revokeRole'; readonly role: string }
  | { readonly kind: 'disablePrincipal' }
  | { readonly kind: 'enablePrincipal' }
  | { readonly kind: 'setPrincipalTeam'; readonly teamId: string | null }
  /** When the principal stops being accepted (null: never); a contractor's end date. */
  | { readonly kind: 'setPrincipalExpiry'; readonly expiresAt: Date | null }
  /** An access review decided on the principal (`keep`, `revoke:<role>`, `disable`); sets reviewedAt. */
  | { readonly kind: 'review'; readonly decision: string };

const ADMIN_ROLE = 'admin';
/** An arbitrary constant naming "removing an admin" among Postgres advisory locks. */
const LAST_ADMIN_LOCK = 0x4b6f6541 + 1;

function apply(p: PrincipalEntity, change: AccessChange, actor: AccessActor, now: Date): void {
  switch (change.kind) {
    case 'grantRole':
      if (p.roles.includes(change.role)) return; // idempotent; the first grant keeps its granter
      p.roles = [...p.roles, change.role];
      p.roleGrants = [...p.roleGrants, { role: change.role, grantedBy: actor.id, grantedAt: now.toISOString() }];
      return;
    case 'revokeRole':
      if (!p.roles.includes(change.role)) throw new BadUserInputError('role', `principal ${p.id} does not hold "${change.role}"`);
      p.roles = p.roles.filter((r) => r !== change.role);
      p.roleGrants = p.roleGrants.filter((g) => g.role !== change.role);
      return;
    case 'disablePrincipal':
      p.status = 'disabled';
      return;
    case 'enablePrincipal':
      p.status = 'active';
      return;
    case 'setPrincipalTeam':
      p.teamId = change.teamId;
      return;
    case 'setPrincipalExpiry':
      p.expiresAt = change.expiresAt;
      return;
    case 'review':
      p.reviewedAt = now;
      p.reviewedBy = actor.id;
      return;
  }
}

/**
 * Refuses the change that would leave no active admin: nobody could grant or re-enable anyone. An
 * admin whose expiry has passed is refused at sign-in, so it is no admin here either (an expiry set
 * in the past locked the last admin out as surely as disabling it).
 */
async function assertAdminRemains(tx: EntityManager, p: PrincipalEntity, before: PrincipalState & { expiresAt: Date | null }, now: Date): Promise<void> {
  const isAdmin = (status: string, roles: readonly string[], expiresAt: Date | null) => status === 'active' && roles.includes(ADMIN_ROLE) && (expiresAt === null || expiresAt > now);
  if (!isAdmin(before.status, before.roles, before.expiresAt) || isAdmin(p.status, p.roles, p.expiresAt)) return;
  // Serialises admin removals: two at once must not each count the other as the remaining admin.
  await tx.execute('select pg_advisory_xact_lock(?)', [LAST_ADMIN_LOCK]); // tx.execute: inside this transaction
  const others = await tx.count(PrincipalEntity, {
    id: { $ne: p.id }, status: 'active', roles: { $contains: [ADMIN_ROLE] }, $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }],
  });
  if (others === 0) throw new BadUserInputError('principalId', `${p.id} is the last active ${ADMIN_ROLE}; grant ${ADMIN_ROLE} to someone else first`);
}

export interface AccessChangeResult {
  principal: PrincipalEntity;
  /** A privileged role asked for: the request now waiting for a second admin (the principal is unchanged). */
  request: GrantRequestEntity | null;
}

export async function changeAccess(
  em: EntityManager,
  principalId: string,
  change: AccessChange,
  actor: AccessActor,
  policy: PolicySet,
  /** Why, as the person making the change said it (masked like any free text before it is stored). */
  reason?: string | null,
): Promise<AccessChangeResult> {
  if (change.kind === 'grantRole') {
    assertKnownRole(change.role, new Set(policy.roles.keys()));
    assertNotSelfGrant(actor, principalId, change.role);
  }
  // Joins the request's transaction as a savepoint when there is one, opens one otherwise.
  return em.transactional(async (tx) => {
    const p = await lockPrincipal(tx, principalId);
    if (change.kind === 'grantRole' && !p.roles.includes(change.role)) {
      assertNoDutyConflict(policy, p, change.role);
      await assertKeyCreatorsMayHold(tx, policy, p, change.role);
      if (isPrivilegedRole(policy, change.role)) return { principal: p, request: await openGrantRequest(tx, p, change.role, actor, policy) };
    }
    const before = stateOf(p);
    const expiresBefore = p.expiresAt;
    const now = new Date();
    apply(p, change, actor, now);
    await assertAdminRemains(tx, p, { ...before, expiresAt: expiresBefore }, now);
    await tx.flush();
    const { kind: _kind, ...args } = change; // role, teamId or decision
    const detail = { principalId, ...args, ...(reason?.trim() ? { reason: maskReason(reason) } : {}), before, after: stateOf(p) };
    await appendAuditEvents(tx, [auditAccessEvent(actor, `access.${change.kind}`, [`Principal:${principalId}`], detail, now)]);
    return { principal: p, request: null };
  });
}
