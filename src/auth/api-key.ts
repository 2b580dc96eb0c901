/**
 * API keys: `koe_<prefix>_<secret>`, the prefix 8 base64url characters (48 bits, the lookup key and
 * what listings show), the secret 43 (256 bits). Stored as SHA-256 of the whole key: with that much
 * entropy no one can guess a key from its hash, so a slow password hash would only cost time on
 * every request. The stored hash is compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKeyEntity } from '../data/entities/index.js';

const KEY_FORMAT = /^koe_([A-Za-z0-9_-]{8})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  /** Shown once, never stored. */
  readonly key: string;
  readonly prefix: string;
  readonly hash: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): NewApiKey {
  const prefix = randomBytes(6).toString('base64url');
  const key = `koe_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/**
 * The principal a presented key stands for, or why it is refused (fit for a 401). A genuine key
 * refused for its state (revoked, expired) names its owner as `claimedPrincipalId` for the audit.
 */
export async function verifyApiKey(
  em: EntityManager,
  key: string,
  now: Date,
): Promise<{ principalId: string; keyId: string } | { error: string; claimedPrincipalId?: string }> {
  const match = KEY_FORMAT.exec(key);
  if (!match) return { error: 'malformed API key' };
  const row = await em.findOne(ApiKeyEntity, { prefix: match[1]! }, { disableIdentityMap: true });
  const presented = Buffer.from(hashApiKey(key), 'hex');
  // Compare even when no row matched, so timing does not tell a known prefix from an unknown one.
  const stored = Buffer.from(row?.hash ?? '0'.repeat(64), 'hex');
  if (!row || !timingSafeEqual(presented, stored)) return { error: 'unknown API key' };
  if (row.revokedAt) return { error: 'API key revoked', claimedPrincipalId: row.principalId };
  if (row.expiresAt && row.expiresAt <= now) return { error: 'API key expired', claimedPrincipalId: row.principalId };
  return { principalId: row.principalId, keyId: row.id };
}
