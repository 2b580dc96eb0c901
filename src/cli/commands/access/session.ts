/** What every `koe access` command shares: the database, the policy's roles, and who is acting. */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AccessActor } from '../../../auth/access-event.js';
import { policyRoles } from '../../../auth/policy-roles.js';
import { PrincipalEntity } from '../../../data/entities/index.js';
import { openRuntime } from '../../runtime.js';

export interface AccessSession {
  em: EntityManager;
  knownRoles: ReadonlySet<string>;
  /** The acting principal, which must exist and be active: every change is recorded under it. */
  actor(id: string): Promise<AccessActor>;
}

export async function withAccessSession<T>(work: (s: AccessSession) => Promise<T>): Promise<T> {
  const rt = await openRuntime((line) => console.error(line));
  try {
    const policy = await policyRoles();
    const em = rt.orm.em.fork();
    return await work({
      em,
      knownRoles: policy.roles,
      actor: async (id) => {
        const p = await em.fork().findOne(PrincipalEntity, { id });
        if (!p || p.status !== 'active') throw new Error(`--actor ${id}: no active principal with this id`);
        return { id: p.id, roles: [...p.roles], policyVersion: policy.version, via: 'cli' };
      },
    });
  } finally {
    await rt.close();
  }
}

export const fmtDate = (d: Date | null | undefined): string => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '-');
