/**
 * Signed checkpoints: an HMAC over `seq|hash` of a chain position, with a key derived from the
 * master key. Anyone who can write the database can recompute every hash after an edit, but not
 * re-sign the checkpoints after it without the master key, so verify still sees the rewrite.
 */
import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

export interface CheckpointKey {
  /** Names the key without revealing it (a rotated master key gives a new id). */
  readonly id: string;
  readonly secret: Buffer;
}

export interface Checkpoint {
  seq: string;
  hash: string;
  at: Date;
  keyId: string;
  signature: string;
}

export function checkpointKey(masterKey: string): CheckpointKey {
  const secret = Buffer.from(hkdfSync('sha256', Buffer.from(signingEntry(masterKey), 'utf8'), '', 'koe-audit-checkpoint', 32));
  return { id: createHash('sha256').update(secret).digest('hex').slice(0, 16), secret };
}

/**
 * During a KEK rotation KOE_MASTER_KEY lists several versions (`2:<b64>,1:<b64>`); checkpoints stay
 * signed with the oldest one's key, so adding a version does not invalidate earlier signatures.
 */
function signingEntry(masterKey: string): string {
  const entries = masterKey.split(',').map((e) => /^\s*(\d+):(.+?)\s*$/.exec(e));
  if (entries.some((m) => !m)) return masterKey;
  return [...entries].sort((a, b) => Number(a![1]) - Number(b![1]))[0]![2]!;
}

/**
 * The checkpoint key of a key ring (KOE_MASTER_KEY, or the development key file): derived from its
 * oldest key-encryption key, exactly as checkpointKey() derives it from KOE_MASTER_KEY's oldest
 * version. So a server signs with the key ring it encrypts with, in development as in production,
 * and `koe audit verify` checks with the same ring.
 */
export function checkpointKeyFromRing(keys: ReadonlyMap<number, Buffer>): CheckpointKey {
  const oldest = Math.min(...keys.keys());
  const key = keys.get(oldest);
  if (!key) throw new Error('the key ring holds no key to sign checkpoints with');
  return checkpointKey(key.toString('base64'));
}

/** The recorder's key when a server is given none: from the configured KOE_MASTER_KEY only. */
export function checkpointKeyOf(masterKey: string | null): CheckpointKey | null {
  return masterKey ? checkpointKey(masterKey) : null;
}

export function signCheckpoint(key: CheckpointKey, seq: string, hash: string): string {
  return createHmac('sha256', key.secret).update(`${seq}|${hash}`).digest('hex');
}

export function checkpointSignatureValid(key: CheckpointKey, cp: Pick<Checkpoint, 'seq' | 'hash' | 'signature'>): boolean {
  const want = Buffer.from(signCheckpoint(key, cp.seq, cp.hash), 'hex');
  const got = Buffer.from(cp.signature, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

/** Signs the chain's head (or `at` a given position); returns null on an empty chain. */
export async function writeCheckpoint(em: EntityManager, key: CheckpointKey, at?: { seq: string; hash: string }): Promise<Checkpoint | null> {
  const conn = em.getConnection();
  const head = at ?? (await conn.execute<Array<{ seq: string; hash: string }>>('select seq::text as seq, hash from audit_event order by audit_event.seq desc limit 1'))[0];
  if (!head) return null;
  const cp: Checkpoint = { seq: head.seq, hash: head.hash, at: new Date(), keyId: key.id, signature: signCheckpoint(key, head.seq, head.hash) };
  await conn.execute('insert into audit_checkpoint (seq, hash, at, key_id, signature) values (?, ?, ?, ?, ?) on conflict (seq) do nothing', [cp.seq, cp.hash, cp.at, cp.keyId, cp.signature]);
  return cp;
}
