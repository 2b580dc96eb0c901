/** Who a CLI run acts as, for its audit events: `--actor <principal>` (must be active), else the OS user. */
import { userInfo } from 'node:os';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AccessActor } from '../../auth/access-event.js';
import { PrincipalEntity } from '../../data/entities/index.js';
import { abilityFor, type PolicySet } from '../../policies/index.js';
import { CliError, EXIT_USAGE } from './policy/cli-support.js';

export async function cliActor(em: EntityManager, id: string | undefined, policyVersion: string): Promise<AccessActor> {
  if (id === undefined) return { id: `cli:${userInfo().username}`, roles: [], policyVersion, via: 'cli' };
  const p = await em.fork().findOne(PrincipalEntity, { id });
  if (!p || p.status !== 'active') throw new CliError(`--actor ${id}: no active principal with this id`, EXIT_USAGE);
  return { id: p.id, roles: [...p.roles], policyVersion, via: 'cli' };
}

/**
 * Refuses an actor whose roles the policy does not allow `mutation` (under any declared purpose:
 * the CLI declares none, and the DPO's rights hold for a compliance case). A command is the
 * mutation done from a shell: being an active principal is not enough, the policy must say so.
 */
export function assertActorMay(set: PolicySet, actor: AccessActor, mutation: string, flag = '--actor'): void {
  const principal = { id: actor.id, roles: actor.roles, teamId: null };
  const purposes = [null, ...set.purposes.keys()];
  if (purposes.some((purpose) => abilityFor(set, principal, { purpose }).canMutate(mutation))) return;
  const allowed = [...set.roles.keys()].filter((role) => purposes.some((purpose) => abilityFor(set, { id: actor.id, roles: [role], teamId: null }, { purpose }).canMutate(mutation)));
  throw new CliError(
    `${flag} ${actor.id} (roles: ${actor.roles.join(', ') || 'none'}) may not do this: the policy allows ${mutation} to ${allowed.join(', ') || 'no role'}; nothing was changed`,
    EXIT_USAGE,
  );
}
