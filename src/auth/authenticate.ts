/**
 * Credentials to principal. The token only names the principal: roles, team and status are read
 * from the database on every request, so a disabled principal is refused at once.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { PrincipalEntity } from '../data/entities/index.js';
import { UnauthenticatedError } from '../schema/errors.js';
import { verifyBearer } from './jwt.js';
import type { AuthenticatedPrincipal } from './principal.js';

export interface AuthenticateOptions {
  jwtSecret: Uint8Array;
  now?: Date;
}

export async function authenticate(
  authorization: string | undefined,
  em: EntityManager,
  opts: AuthenticateOptions,
): Promise<AuthenticatedPrincipal> {
  if (!authorization) throw new UnauthenticatedError('no credentials; send "Authorization: Bearer <token>"');
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match) throw new UnauthenticatedError('unsupported authorization scheme');
  const verified = await verifyBearer(match[1]!, opts.jwtSecret);
  if ('error' in verified) throw new UnauthenticatedError(verified.error);
  const row = await em.findOne(PrincipalEntity, { id: verified.sub });
  const now = opts.now ?? new Date();
  // One message for unknown, disabled and expired: the caller learns nothing about which.
  if (!row || row.status !== 'active' || (row.expiresAt && row.expiresAt <= now)) {
    throw new UnauthenticatedError('unknown or disabled principal');
  }
  return {
    id: row.id,
    displayName: row.displayName,
    roles: row.roles,
    teamId: row.teamId,
    attributes: row.attributes,
  };
}
