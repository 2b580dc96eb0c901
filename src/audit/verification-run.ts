/**
 * A verification of the audit chain run for someone on the API (the console's Audit screen), by the
 * same `verifyChain` as `koe audit verify`, recorded in `audit_verification`: its progress while it
 * runs (so another request can show it) and its result after, which is what "last verification"
 * means on the screen. The API holds no checkpoint key, so signatures are matched, not
 * authenticated (`koe audit verify` with the key does that).
 */
import { randomUUID } from 'node:crypto';
import type { Sql } from './chain-reader.js';
import { verifyChain } from './verify.js';

export type VerificationStatus = 'running' | 'ok' | 'broken' | 'failed';

export interface VerificationRun {
  id: string;
  startedBy: string;
  startedAt: Date;
  finishedAt: Date | null;
  status: VerificationStatus;
  done: number;
  total: number;
  firstSeq: string | null;
  lastSeq: string | null;
  problemSeq: string | null;
  problemKind: string | null;
  problemMessage: string | null;
}

type Row = Record<string, unknown>;
const COLUMNS = `id, started_by, started_at, finished_at, status, done, total, first_seq::text as first_seq, last_seq::text as last_seq,
  problem_seq::text as problem_seq, problem_kind, problem_message`;

function toRun(r: Row): VerificationRun {
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return {
    id: r.id as string,
    startedBy: r.started_by as string,
    startedAt: date(r.started_at)!,
    finishedAt: date(r.finished_at),
    status: r.status as VerificationStatus,
    done: Number(r.done),
    total: Number(r.total),
    firstSeq: (r.first_seq as string | null) ?? null,
    lastSeq: (r.last_seq as string | null) ?? null,
    problemSeq: (r.problem_seq as string | null) ?? null,
    problemKind: (r.problem_kind as string | null) ?? null,
    problemMessage: (r.problem_message as string | null) ?? null,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findVerification(sql: Sql, id: string): Promise<VerificationRun | null> {
  if (!UUID.test(id)) return null;
  const [row] = await sql<Row>(`select ${COLUMNS} from audit_verification where id = ?`, [id]);
  return row ? toRun(row) : null;
}

/** Newest first, keyset on (startedAt, id). */
export async function listVerifications(sql: Sql, after: { at: string; id: string } | null, limit: number): Promise<VerificationRun[]> {
  const where = after ? `where (started_at, id) < (?::timestamptz, ?::uuid)` : '';
  const rows = await sql<Row>(`select ${COLUMNS} from audit_verification ${where} order by started_at desc, id desc limit ?`, [...(after ? [after.at, after.id] : []), limit]);
  return rows.map(toRun);
}

/**
 * Runs a verification to the end and returns its result. `id` may be chosen by the caller, so it
 * can read the progress with `findVerification` while this runs. `sql` must not be inside a
 * transaction: progress is committed as it goes, for other requests to see.
 */
export async function runVerification(sql: Sql, startedBy: string, id: string = randomUUID(), batchSize = 500): Promise<VerificationRun> {
  await sql(`insert into audit_verification (id, started_by, started_at) values (?, ?, ?)`, [id, startedBy, new Date()]);
  let last = 0;
  try {
    const report = await verifyChain(sql, {
      batchSize,
      onProgress: (done, total) => {
        // At most a few writes a second, however fast the batches come.
        if (Date.now() - last < 200 && done < total) return;
        last = Date.now();
        void sql(`update audit_verification set done = ?, total = ? where id = ? and status = 'running'`, [done, total, id]).catch(() => {});
      },
    });
    await sql(
      `update audit_verification set status = ?, finished_at = ?, done = ?, total = greatest(total, ?), first_seq = ?, last_seq = ?, problem_seq = ?, problem_kind = ?, problem_message = ? where id = ?`,
      [report.ok ? 'ok' : 'broken', new Date(), report.events, report.events, report.firstSeq, report.lastSeq, report.problem?.seq ?? null, report.problem?.kind ?? null, report.problem?.message ?? null, id],
    );
  } catch (e) {
    await sql(`update audit_verification set status = 'failed', finished_at = ?, problem_message = ? where id = ?`, [new Date(), e instanceof Error ? e.message.slice(0, 500) : 'failed', id]);
    throw e;
  }
  return (await findVerification(sql, id))!;
}
