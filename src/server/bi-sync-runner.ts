/**
 * One `koe bi sync` run with its audit trail: each batch appends one `bi.sync` event (rows, field
 * decision counts, records) in the batch's own transaction, so a batch and its event commit
 * together. Shared by the CLI verb and the interval `koe start` runs (KOE_BI_SYNC_INTERVAL).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { appendAuditEvents } from '../audit/append.js';
import { auditAccessEvent, type AccessActor } from '../auth/access-event.js';
import { biSync, type BiSyncOptions, type BiSyncResult } from '../data/bi/index.js';

export async function runBiSync(em: EntityManager, actor: AccessActor, opts: Omit<BiSyncOptions, 'onBatch'>): Promise<BiSyncResult> {
  return biSync(em, {
    ...opts,
    onBatch: async (tx, b) => {
      const detail = { schema: b.schema, role: b.role, phase: b.phase, rows: b.rows, removed: b.removed, changes: b.changes, decisions: b.decisions, omitted: b.omitted };
      await appendAuditEvents(tx, [{ ...auditAccessEvent(actor, 'bi.sync', b.resources, detail), purpose: 'analytics' }]);
    },
  });
}
