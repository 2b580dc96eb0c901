/** Admins' and auditors' view of who holds access: rows filtered by the policy, keyset on the id. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { PrincipalEntity } from '../../data/entities/index.js';
import { BadUserInputError } from '../../request/errors.js';
import type { Principal } from '../../schema/types/principal.type.js';
import { withRows, type RequestAccess } from '../../request/access.js';
import { pageSize, toPage, type Page } from '../pagination.js';
import { type Cursors } from '../../request/cursors.js';

export function toPrincipal(e: PrincipalEntity): Principal {
  return {
    id: e.id,
    displayName: e.displayName,
    roles: [...e.roles],
    teamId: e.teamId,
    status: e.status,
    expiresAt: e.expiresAt,
    lastSeenAt: e.lastSeenAt,
    grants: e.roleGrants.map((g) => ({ role: g.role, grantedBy: g.grantedBy, grantedAt: new Date(g.grantedAt), approvedBy: g.approvedBy ?? null })),
    reviewedAt: e.reviewedAt,
    reviewedBy: e.reviewedBy,
    createdAt: e.createdAt,
  };
}

export async function listPrincipals(
  em: EntityManager,
  access: RequestAccess,
  cursors: Cursors,
  args: { first?: number | null; after?: string | null },
): Promise<Page<Principal>> {
  const size = pageSize(args.first);
  const list = cursors.of('principals:id:asc');
  const cursor = list.decode(args.after);
  if (cursor && cursor.value !== null) throw new BadUserInputError('after', 'cursor is not from this list');
  const filtered = withRows(access, 'Principal', {});
  if (filtered === null) return toPage([], size, () => null, async () => 0, list);
  const where = cursor ? { $and: [filtered, { id: { $gt: cursor.id } }] } : filtered;
  const rows = await em.find(PrincipalEntity, where, { orderBy: { id: 'asc' }, limit: size + 1 });
  return toPage(rows.map(toPrincipal), size, () => null, () => em.count(PrincipalEntity, filtered), list);
}

export async function findPrincipal(em: EntityManager, access: RequestAccess, id: string): Promise<Principal | null> {
  const filtered = withRows(access, 'Principal', { id });
  if (filtered === null) return null;
  const row = await em.findOne(PrincipalEntity, filtered);
  return row ? toPrincipal(row) : null;
}
