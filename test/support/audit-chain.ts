/** Builds audit chains in a scratch database for the verify, export and append-only tests. */
import { appendAuditEvents } from '../../src/audit/append.js';
import { eventHash } from '../../src/audit/canonical.js';
import { eventOfRow } from '../../src/audit/chain-reader.js';
import { checkpointKey, writeCheckpoint } from '../../src/audit/checkpoint.js';
import type { NewAuditEvent } from '../../src/audit/event.js';
import type { ScratchKoeDb } from './scratch-koe-db.js';

export const TEST_CHECKPOINT_KEY = checkpointKey('koe-test-master-key');

export const BASE_TIME = Date.parse('2026-01-01T00:00:00Z');

export function sampleEvent(i: number): NewAuditEvent {
  return {
    at: new Date(BASE_TIME + i * 60_000),
    actorId: `p-${i % 3}`,
    roles: ['analyst'],
    action: 'query',
    outcome: 'denied',
    operationName: `Op${i}`,
    operationHash: 'ab'.repeat(32),
    purpose: null,
    subgraph: 'customers',
    resources: [`Customer:c-${i}`],
    fields: [{ field: 'Customer.email', decision: 'MASKED', count: i }],
    policyVersion: 'test',
    requestId: `req-${i}`,
    clientAddress: '127.0.0.1',
    detail: i % 2 ? { mutation: 'x', n: i } : null,
  };
}

/** Empties the tables (triggers bypassed), appends `n` events and signs checkpoints at `checkpoints`. */
export async function buildChain(db: ScratchKoeDb, n: number, checkpoints: number[] = []): Promise<void> {
  await asSuperuser(db, 'truncate audit_event, audit_checkpoint');
  const events = Array.from({ length: n }, (_, i) => sampleEvent(i + 1));
  for (let i = 0; i < n; i += 100) await appendAuditEvents(db.orm.em.fork(), events.slice(i, i + 100));
  for (const seq of checkpoints) {
    const [row] = await db.sql<{ seq: string; hash: string }>('select seq::text as seq, hash from audit_event where seq = ?', [seq]);
    await writeCheckpoint(db.orm.em.fork(), TEST_CHECKPOINT_KEY, row!);
  }
}

/** Runs SQL with the append-only triggers bypassed, as a superuser could. */
export function asSuperuser(db: ScratchKoeDb, statements: string): Promise<void> {
  return db.superuser(`set session_replication_role = replica; ${statements}; set session_replication_role = origin;`);
}

/** A forger's rewrite: recomputes every hash from `fromSeq` on so the chain itself is consistent again. */
export async function rehashFrom(db: ScratchKoeDb, fromSeq: number): Promise<void> {
  const rows = await db.sql(
    `select id, seq::text as seq, at, actor_id, roles, action, outcome, operation_name, operation_hash, purpose, subgraph, resources, fields,
      policy_version, request_id, client_address, detail, prev_hash, hash from audit_event where seq >= ? order by audit_event.seq`,
    [fromSeq - 1],
  );
  const updates: string[] = [];
  let prevHash: string | null = null;
  for (const row of rows) {
    const e = eventOfRow(row);
    if (prevHash === null) {
      prevHash = e.hash;
      continue;
    }
    const hash = eventHash(e.seq, e, prevHash);
    updates.push(`update audit_event set prev_hash = '${prevHash}', hash = '${hash}' where seq = ${e.seq}`);
    prevHash = hash;
  }
  await asSuperuser(db, updates.join('; '));
}

/** A forged link: points row `seq` at `prevHash` and recomputes the row's own hash, so only the link is wrong. */
export async function relinkRow(db: ScratchKoeDb, seq: number, prevHash: string): Promise<void> {
  const [row] = await db.sql(
    `select id, seq::text as seq, at, actor_id, roles, action, outcome, operation_name, operation_hash, purpose, subgraph, resources, fields,
      policy_version, request_id, client_address, detail, prev_hash, hash from audit_event where seq = ?`,
    [seq],
  );
  const e = eventOfRow(row!);
  await asSuperuser(db, `update audit_event set prev_hash = '${prevHash}', hash = '${eventHash(e.seq, e, prevHash)}' where seq = ${e.seq}`);
}
