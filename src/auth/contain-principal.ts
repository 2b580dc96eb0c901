/**
 * Containment of a credential in an incident: the principal is disabled and every API key it holds
 * is revoked, in one transaction with its audit events (each change's own, plus one
 * `incident.contain` naming the reason). Bearer tokens need no revocation list: roles and status
 * are read per request (authenticate.ts), so a disabled principal's next request is a 401 whatever
 * it presents. The last active admin is refused (access-change.ts), and then nothing changes.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { appendAuditEvents } from '../audit/append.js';
import { maskReason } from '../audit/mutation-detail.js';
import { ApiKeyEntity, PrincipalEntity } from '../data/entities/index.js';
import type { PolicySet } from '../policies/index.js';
import { BadUserInputError } from '../request/errors.js';
import { changeAccess } from './access-change.js';
import { auditAccessEvent, type AccessActor } from './access-event.js';
import { revokeApiKey } from './api-key-admin.js';

export interface Containment {
  principal: PrincipalEntity;
  /** Prefixes of the keys this containment revoked (keys already revoked are not repeated). */
  revokedKeys: string[];
  /** Whether the principal was already disabled before. */
  wasDisabled: boolean;
}

export async function containPrincipal(em: EntityManager, principalId: string, reason: string, actor: AccessActor, policy: PolicySet): Promise<Containment> {
  if (!reason.trim()) throw new BadUserInputError('reason', 'say why the principal is contained (the incident and its reference)');
  return em.transactional(async (tx) => {
    const before = await tx.findOne(PrincipalEntity, { id: principalId }, { refresh: true });
    const wasDisabled = before?.status === 'disabled';
    const { principal } = await changeAccess(tx, principalId, { kind: 'disablePrincipal' }, actor, policy);
    const keys = await tx.find(ApiKeyEntity, { principalId, revokedAt: null }, { orderBy: { createdAt: 'asc' } });
    for (const k of keys) await revokeApiKey(tx, k.id, actor);
    const detail = { principalId, reason: maskReason(reason), revokedKeys: keys.map((k) => k.prefix), wasDisabled };
    await appendAuditEvents(tx, [auditAccessEvent(actor, 'incident.contain', [`Principal:${principalId}`], detail)]);
    return { principal, revokedKeys: keys.map((k) => k.prefix), wasDisabled };
  });
}
