/**
 * Every change to who may do what: grant and revoke a role, disable and enable a principal, move
 * it to another team, record a review. Each runs in one transaction that locks the principal row,
 * and appends its audit event (actor, target, before and after) before committing: if the event
 * cannot be written, the change is rolled back (the chain commits separately, so a change whose own
 * commit then fails leaves an event behind; never a change without one). GraphQL and the CLI both
 * come here.
 */
import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { appendAuditEvents } from '../audit/append.js';
import { PrincipalEntity } from '../data/entities/index.js';
import { BadUserInputError } from '../schema/errors.js';
import { auditAccessEvent, type AccessActor } from './access-event.js';

export type AccessChange =
  | { readonly kind: 'grantRole'; readonly role: string }
  | { readonly kind: 'revokeRole'; readonly role: string }
  | { readonly kind: 'disablePrincipal' }
  | { readonly kind: 'enablePrincipal' }
  | { readonly kind: 'setPrincipalTeam'; readonly teamId: string | null }
  /** An access review decided on the principal (`keep`, `revoke:<role>`, `disable`); sets reviewedAt. */
  | { readonly kind: 'review'; readonly decision: string };

export interface PrincipalState {
  roles: string[];
  status: string;
  teamId: string | null;
}

const ADMIN_ROLE = 'admin';
/** An arbitrary constant naming "removing an admin" among Postgres advisory locks. */
const LAST_ADMIN_LOCK = 0x4b6f6541 + 1;

const stateOf = (p: PrincipalEntity): PrincipalState => ({ roles: [...p.roles], status: p.status, teamId: p.teamId });

/** Refuses a role the loaded policy does not define: granting it would silently grant nothing. */
export function assertKnownRole(role: string, knownRoles: ReadonlySet<string>): void {
  if (!knownRoles.has(role)) {
    throw new BadUserInputError('role', `no role "${role}" in the policy; known roles: ${[...knownRoles].sort().join(', ')}`);
  }
}

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
    case 'review':
      p.reviewedAt = now;
      p.reviewedBy = actor.id;
      return;
  }
}

/** Refuses the change that would leave no active admin: nobody could grant or re-enable anyone. */
async function assertAdminRemains(tx: EntityManager, p: PrincipalEntity, before: PrincipalState): Promise<void> {
  const wasAdmin = before.status === 'active' && before.roles.includes(ADMIN_ROLE);
  if (!wasAdmin || (p.status === 'active' && p.roles.includes(ADMIN_ROLE))) return;
  // Serialises admin removals: two at once must not each count the other as the remaining admin.
  await tx.execute('select pg_advisory_xact_lock(?)', [LAST_ADMIN_LOCK]); // tx.execute: inside this transaction
  const others = await tx.count(PrincipalEntity, { id: { $ne: p.id }, status: 'active', roles: { $contains: [ADMIN_ROLE] } });
  if (others === 0) throw new BadUserInputError('principalId', `${p.id} is the last active ${ADMIN_ROLE}; grant ${ADMIN_ROLE} to someone else first`);
}

export async function changeAccess(
  em: EntityManager,
  principalId: string,
  change: AccessChange,
  actor: AccessActor,
  knownRoles: ReadonlySet<string>,
): Promise<PrincipalEntity> {
  if (change.kind === 'grantRole') assertKnownRole(change.role, knownRoles);
  return em.fork().transactional(async (tx) => {
    const p = await tx.findOne(PrincipalEntity, { id: principalId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!p) throw new BadUserInputError('principalId', `no principal "${principalId}"`);
    const before = stateOf(p);
    const now = new Date();
    apply(p, change, actor, now);
    await assertAdminRemains(tx, p, before);
    await tx.flush();
    const { kind: _kind, ...args } = change; // role, teamId or decision
    const detail = { principalId, ...args, before, after: stateOf(p) };
    await appendAuditEvents(tx, [auditAccessEvent(actor, `access.${change.kind}`, [`Principal:${principalId}`], detail, now)]);
    return p;
  });
}
