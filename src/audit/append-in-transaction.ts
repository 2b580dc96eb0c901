/**
 * `appendAuditEvents` on the caller's open transaction instead of one of its own: the events
 * commit or roll back together with the change they record (a lifecycle batch is never disposed
 * of without its event, nor recorded without being disposed of). Same lock, same chain: the
 * advisory lock is held until the caller commits, so keep that transaction short.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEventEntity } from '../data/entities/index.js';
import { AUDIT_CHAIN_LOCK } from './append.js';
import { eventHash } from './canonical.js';
import { GENESIS_HASH, type ChainedAuditEvent, type NewAuditEvent } from './event.js';

/** `tx` must be inside `em.transactional(...)`; statements go through `tx.execute`, so they join it. */
export async function appendAuditEventsIn(tx: EntityManager, events: readonly NewAuditEvent[]): Promise<ChainedAuditEvent[]> {
  if (events.length === 0) return [];
  await tx.execute('select pg_advisory_xact_lock(?)', [AUDIT_CHAIN_LOCK]);
  const head = await tx.execute<Array<{ seq: string; hash: string }>>('select seq::text as seq, hash from audit_event order by audit_event.seq desc limit 1');
  let seq = BigInt(head[0]?.seq ?? '0');
  let prevHash = head[0]?.hash ?? GENESIS_HASH;
  const chained: ChainedAuditEvent[] = [];
  for (const event of events) {
    seq += 1n;
    const s = seq.toString();
    const hash = eventHash(s, event, prevHash);
    chained.push({ ...event, id: randomUUID(), seq: s, prevHash, hash });
    prevHash = hash;
  }
  await tx.insertMany(
    AuditEventEntity,
    chained.map((e) => ({ ...e, roles: [...e.roles], resources: [...e.resources], fields: [...e.fields], detail: e.detail ?? null })),
  );
  return chained;
}
