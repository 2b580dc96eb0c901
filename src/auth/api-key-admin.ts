/**
 * Creating, revoking and listing API keys. Creation and revocation are access changes: each runs in
 * one transaction with its audit event (a savepoint inside the request's transaction when there
 * is one). The key itself is returned once and never stored.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { appendAuditEvents } from '../audit/append.js';
import { ApiKeyEntity, PrincipalEntity } from '../data/entities/index.js';
import { BadUserInputError } from '../request/errors.js';
import { generateApiKey } from './api-key.js';
import { auditAccessEvent, type AccessActor } from './access-event.js';

export async function createApiKey(
  em: EntityManager,
  args: { principalId: string; name: string; expiresAt: Date | null },
  actor: AccessActor,
): Promise<{ key: string; row: ApiKeyEntity }> {
  if (!args.name.trim()) throw new BadUserInputError('name', 'must not be empty');
  return em.transactional(async (tx) => {
    if (!(await tx.findOne(PrincipalEntity, { id: args.principalId }))) {
      throw new BadUserInputError('principal', `no principal "${args.principalId}"`);
    }
    if (await tx.findOne(ApiKeyEntity, { principalId: args.principalId, name: args.name })) {
      throw new BadUserInputError('name', `principal ${args.principalId} already has a key named "${args.name}"; pick another name or revoke it first`);
    }
    const fresh = generateApiKey();
    const row = tx.create(ApiKeyEntity, {
      id: randomUUID(),
      principalId: args.principalId,
      name: args.name,
      prefix: fresh.prefix,
      hash: fresh.hash,
      createdBy: actor.id,
      createdAt: new Date(),
      expiresAt: args.expiresAt,
    });
    await tx.flush();
    const detail = { principalId: args.principalId, keyId: row.id, name: row.name, prefix: row.prefix, expiresAt: row.expiresAt };
    await appendAuditEvents(tx, [auditAccessEvent(actor, 'access.createApiKey', [`Principal:${args.principalId}`], detail)]);
    return { key: fresh.key, row };
  });
}

/** `idOrPrefix`: the key's id, or the 8-character prefix listings show. */
export async function revokeApiKey(em: EntityManager, idOrPrefix: string, actor: AccessActor): Promise<ApiKeyEntity> {
  return em.transactional(async (tx) => {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrPrefix);
    const row = await tx.findOne(ApiKeyEntity, isUuid ? { id: idOrPrefix } : { prefix: idOrPrefix });
    if (!row) throw new BadUserInputError('key', `no API key with id or prefix "${idOrPrefix}"`);
    const before = row.revokedAt;
    row.revokedAt ??= new Date();
    await tx.flush();
    const detail = { principalId: row.principalId, keyId: row.id, prefix: row.prefix, before: { revokedAt: before }, after: { revokedAt: row.revokedAt } };
    await appendAuditEvents(tx, [auditAccessEvent(actor, 'access.revokeApiKey', [`Principal:${row.principalId}`], detail)]);
    return row;
  });
}

export function listApiKeys(em: EntityManager, principalId?: string): Promise<ApiKeyEntity[]> {
  return em.find(ApiKeyEntity, principalId ? { principalId } : {}, { orderBy: { principalId: 'asc', createdAt: 'asc' } });
}

/** `90d`, `12h`, `30m`, `45s` to milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)\s*([dhms])$/.exec(text.trim());
  if (!m) throw new BadUserInputError('expires-in', `"${text}" is not a duration; write e.g. 90d, 12h, 30m`);
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[m[2] as 'd' | 'h' | 'm' | 's'];
  return Number(m[1]) * unit;
}
