/** What every `koe access` command shares: the database, the policy's roles, and who is acting. */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AccessActor } from '../../../auth/access-event.js';
import { PrincipalEntity } from '../../../data/entities/index.js';
import type { PolicySet } from '../../../policies/index.js';
import { cliPolicy, openRuntime } from '../../runtime.js';
import { assertActorMay } from '../cli-actor.js';

export interface AccessSession {
  em: EntityManager;
  policy: PolicySet;
  knownRoles: ReadonlySet<string>;
  /**
   * The acting principal, which must exist and be active: every change is recorded under it.
   * With `mutation`, its roles must also allow that mutation, as they would over GraphQL.
   */
  actor(id: string, mutation?: string): Promise<AccessActor>;
}

export async function withAccessSession<T>(work: (s: AccessSession) => Promise<T>): Promise<T> {
  const rt = await openRuntime((line) => console.error(line));
  try {
    const policy = await cliPolicy();
    const em = rt.orm.em.fork();
    return await work({
      em,
      policy,
      knownRoles: new Set(policy.roles.keys()),
      actor: async (id, mutation) => {
        const p = await em.fork().findOne(PrincipalEntity, { id });
        if (!p || p.status !== 'active') throw new Error(`--actor ${id}: no active principal with this id`);
        const actor: AccessActor = { id: p.id, roles: [...p.roles], policyVersion: policy.version, via: 'cli' };
        if (mutation) assertActorMay(policy, actor, mutation);
        return actor;
      },
    });
  } finally {
    await rt.close();
  }
}

export const fmtDate = (d: Date | null | undefined): string => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '-');
