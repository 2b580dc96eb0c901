/**
 * One `koe bi sync` run with its audit trail: each batch appends one `bi.sync` event (rows, field
 * decision counts, records) in the batch's own transaction, so a batch and its event commit
 * together; the aggregate tables are the GraphQL aggregates' own answers (./bi-aggregates.ts). Shared by the CLI verb and the interval `koe start` runs (KOE_BI_SYNC_INTERVAL).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { appendAuditEvents } from '../audit/append.js';
import { auditAccessEvent, type AccessActor } from '../auth/access-event.js';
import { biSync, type BiSyncOptions, type BiSyncResult } from '../data/bi/index.js';
import { biAggregateSource } from './bi-aggregates.js';

export async function runBiSync(em: EntityManager, actor: AccessActor, opts: Omit<BiSyncOptions, 'onBatch' | 'aggregates'>): Promise<BiSyncResult> {
  return biSync(em, {
    ...opts,
    aggregates: biAggregateSource(opts.policy, opts.crypto),
    onBatch: async (tx, b) => {
      const detail = { schema: b.schema, role: b.role, phase: b.phase, rows: b.rows, removed: b.removed, changes: b.changes, decisions: b.decisions, omitted: b.omitted };
      await appendAuditEvents(tx, [{ ...auditAccessEvent(actor, 'bi.sync', b.resources, detail), purpose: 'analytics' }]);
    },
  });
}

export interface BiSyncSchedule {
  /** Waits for a run in progress, then runs no more. */
  stop(): Promise<void>;
}

/**
 * `koe start` with KOE_BI_SYNC_INTERVAL: a sync every `seconds`, the next one timed from the end of
 * the last so runs never overlap; a failed run is logged and retried at the next tick (it resumes).
 */
export function scheduleBiSync(
  fork: () => EntityManager,
  actor: AccessActor,
  opts: Omit<BiSyncOptions, 'onBatch' | 'onProgress'>,
  seconds: number,
  log: (line: string) => void,
): BiSyncSchedule {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  const tick = () => {
    running = runBiSync(fork(), actor, opts).then(
      (r) => {
        if (r.rows || r.removed || r.rebuilt) log(`bi sync: ${r.schema} as ${r.role}: ${r.rebuilt ? 'rebuilt, ' : ''}${r.rows} rows written, ${r.removed} removed, ${r.changes} changes${r.aggregateRows === null ? '' : `, aggregates recomputed (${r.aggregateRows} groups)`}`);
      },
      (e: unknown) => log(`bi sync failed (retried in ${seconds} s): ${e instanceof Error ? e.message : String(e)}`),
    ).then(() => {
      if (!stopped) timer = setTimeout(tick, seconds * 1000);
    });
  };
  timer = setTimeout(tick, 0);
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
