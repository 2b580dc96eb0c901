/**
 * Exports audit events as JSON lines for a SIEM: batches with a keyset cursor, each line written
 * (and back-pressure honoured) before the next batch is read, so memory stays at one batch.
 */
import { eventBatches, type Sql } from './chain-reader.js';
import type { ChainedAuditEvent } from './event.js';

export interface ExportOptions {
  since: Date;
  until?: Date;
  batchSize?: number;
}

/** One event as one JSON line, with the same names as the GraphQL `AuditEvent`. */
export function jsonLine(e: ChainedAuditEvent): string {
  return `${JSON.stringify({ ...e, seq: Number(e.seq), at: e.at.toISOString() })}\n`;
}

/** Writes every event in `[since, until)` in seq order; returns how many were written. */
export async function exportEvents(sql: Sql, opts: ExportOptions, write: (line: string) => Promise<void> | void): Promise<number> {
  let n = 0;
  for await (const batch of eventBatches(sql, { since: opts.since, until: opts.until, batchSize: opts.batchSize })) {
    for (const e of batch) {
      await write(jsonLine(e));
      n += 1;
    }
  }
  return n;
}
