/** Who a CLI run acts as, for its audit events: `--actor <principal>` (must be active), else the OS user. */
import { userInfo } from 'node:os';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AccessActor } from '../../auth/access-event.js';
import { PrincipalEntity } from '../../data/entities/index.js';
import { CliError, EXIT_USAGE } from './policy/cli-support.js';

export async function cliActor(em: EntityManager, id: string | undefined, policyVersion: string): Promise<AccessActor> {
  if (id === undefined) return { id: `cli:${userInfo().username}`, roles: [], policyVersion, via: 'cli' };
  const p = await em.fork().findOne(PrincipalEntity, { id });
  if (!p || p.status !== 'active') throw new CliError(`--actor ${id}: no active principal with this id`, EXIT_USAGE);
  return { id: p.id, roles: [...p.roles], policyVersion, via: 'cli' };
}
