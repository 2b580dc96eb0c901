/**
 * Appends events to the one hash chain. The append is serialised in the database (a transaction-
 * scoped advisory lock), so any number of server instances extend the same chain without forks.
 * The caller awaits it before its response leaves: if the append fails, so does the request.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEventEntity } from '../data/entities/index.js';
import { eventHash } from './canonical.js';
import { GENESIS_HASH, type ChainedAuditEvent, type NewAuditEvent } from './event.js';

/** An arbitrary constant naming "the audit chain" among Postgres advisory locks. */
export const AUDIT_CHAIN_LOCK = 0x4b6f6541; // "KoeA"

export async function appendAuditEvents(em: EntityManager, events: readonly NewAuditEvent[]): Promise<ChainedAuditEvent[]> {
  if (events.length === 0) return [];
  return em.fork().transactional(async (tx) => {
    // `tx.execute`, not `tx.getConnection().execute`: only the former runs inside the transaction,
    // and the lock and head read must, or two appends read the same head.
    await tx.execute('select pg_advisory_xact_lock(?)', [AUDIT_CHAIN_LOCK]);
    // Order by the bigint column, not the text alias: as text, '9' sorts after '10'.
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
  });
}
