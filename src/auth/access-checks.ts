/**
 * The checks every access change shares, GraphQL and CLI alike: the role exists, nobody grants
 * to itself, no grant breaks the policy's separation of duties; and the principal row, locked.
 */
import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { ApiKeyEntity, PrincipalEntity } from '../data/entities/index.js';
import { describeDutyRule, dutyConflicts, grantConflicts, isPrivilegedRole, type PolicySet } from '../policies/index.js';
import { BadUserInputError, ForbiddenError } from '../request/errors.js';
import type { AccessActor } from './access-event.js';

export interface PrincipalState {
  roles: string[];
  status: string;
  teamId: string | null;
}

export const stateOf = (p: PrincipalEntity): PrincipalState => ({ roles: [...p.roles], status: p.status, teamId: p.teamId });

/** Refuses a role the loaded policy does not define: granting it would silently grant nothing. */
export function assertKnownRole(role: string, knownRoles: ReadonlySet<string>): void {
  if (!knownRoles.has(role)) {
    throw new BadUserInputError('role', `no role "${role}" in the policy; known roles: ${[...knownRoles].sort().join(', ')}`);
  }
}

/** Refuses a grant to oneself: every role is handed out by someone else, and recorded as such. */
export function assertNotSelfGrant(actor: AccessActor, principalId: string, role: string): void {
  if (actor.id === principalId) {
    throw new ForbiddenError(`No principal may grant a role to itself: another admin must grant "${role}" to ${principalId}`, { argument: 'principalId' });
  }
}

/** Refuses a role that, with those the principal holds, breaks a separation-of-duties rule. */
export function assertNoDutyConflict(policy: PolicySet, p: PrincipalEntity, role: string): void {
  const [rule] = grantConflicts(policy, p.roles, role);
  if (!rule) return;
  const others = rule.roles.filter((r) => r !== role).join(' and ');
  throw new ForbiddenError(
    `Separation of duties: ${p.id} holds ${others}, which may not be held together with "${role}": ${describeDutyRule(rule)}. Revoke ${others} first, or grant "${role}" to someone else`,
    { argument: 'role', rule: rule.roles },
  );
}

/**
 * Refuses an API key for another principal when its creator, who receives the secret, could not
 * hold that principal's roles itself: a privileged role (handed out only with a second admin's
 * approval) or one that breaks a separation-of-duties rule with the creator's own roles. Otherwise
 * an admin would mint itself the DPO's credential and erase on its own. One's own key is fine.
 */
export function assertMayHoldKeyOf(policy: PolicySet, creator: { id: string; roles: readonly string[] }, target: { id: string; roles: readonly string[] }): void {
  if (creator.id === target.id) return;
  const privileged = target.roles.filter((r) => isPrivilegedRole(policy, r));
  if (privileged.length) {
    throw new ForbiddenError(
      `${target.id} would hold ${privileged.join(', ')}, which only a second admin's approval hands out, and ${creator.id} holds an API key of it (or is creating one): that key would give ${creator.id} the role. The holder's own key comes from koe access create-key`,
      { argument: 'principalId' },
    );
  }
  const already = new Set(dutyConflicts(policy, creator.roles));
  const [rule] = dutyConflicts(policy, [...creator.roles, ...target.roles]).filter((r) => !already.has(r));
  if (rule) {
    throw new ForbiddenError(`Separation of duties: an API key of ${target.id} would let ${creator.id} act as ${rule.roles.join(' and ')} at once: ${describeDutyRule(rule)}`, {
      argument: 'principalId',
      rule: rule.roles,
    });
  }
}

/** A role granted to a principal goes to whoever holds its API keys too: each active key's creator must be able to hold it (above). */
export async function assertKeyCreatorsMayHold(tx: EntityManager, policy: PolicySet, p: PrincipalEntity, role: string): Promise<void> {
  const keys = await tx.find(ApiKeyEntity, { principalId: p.id, revokedAt: null, createdBy: { $ne: p.id } });
  if (!keys.length) return;
  const creators = await tx.find(PrincipalEntity, { id: { $in: [...new Set(keys.flatMap((k) => (k.createdBy ? [k.createdBy] : [])))] } });
  for (const creator of creators) assertMayHoldKeyOf(policy, creator, { id: p.id, roles: [...p.roles, role] });
}

export async function lockPrincipal(tx: EntityManager, principalId: string): Promise<PrincipalEntity> {
  const p = await tx.findOne(PrincipalEntity, { id: principalId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!p) throw new BadUserInputError('principalId', `no principal "${principalId}"`);
  return p;
}

