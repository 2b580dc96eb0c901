/**
 * Retention: removes the expired prefix of the chain through `koe_audit_prune`, after signing a
 * checkpoint at its last event, so the remaining chain still starts from a signed position.
 * Refuses to prune a chain that does not verify: that would destroy the evidence of tampering.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Sql } from './chain-reader.js';
import { writeCheckpoint, type CheckpointKey } from './checkpoint.js';
import { verifyChain } from './verify.js';

export interface PrunePlan {
  before: Date;
  /** The last event that would go (a checkpoint is signed here first); null: nothing to prune. */
  cut: { seq: string; hash: string } | null;
  events: number;
}

export async function planPrune(sql: Sql, before: Date): Promise<PrunePlan> {
  const [row] = await sql<{ first_kept: string | null }>(
    'select coalesce((select min(seq) from audit_event where at >= ?), (select max(seq) + 1 from audit_event))::text as first_kept',
    [before],
  );
  const firstKept = row?.first_kept ? BigInt(row.first_kept) : null;
  const cutSeq = firstKept === null ? null : (firstKept - 1n).toString();
  const [cut] = cutSeq ? await sql<{ seq: string; hash: string }>('select seq::text as seq, hash from audit_event where seq = ?', [cutSeq]) : [];
  if (!cut) return { before, cut: null, events: 0 };
  const [count] = await sql<{ n: string }>('select count(*)::text as n from audit_event where seq <= ?', [cut.seq]);
  return { before, cut, events: Number(count?.n ?? 0) };
}

export async function pruneChain(em: EntityManager, sql: Sql, key: CheckpointKey, before: Date): Promise<{ removed: number; plan: PrunePlan }> {
  const report = await verifyChain(sql, { key });
  if (!report.ok) throw new Error(`the audit chain does not verify (seq ${report.problem!.seq}: ${report.problem!.message}); not pruning`);
  const plan = await planPrune(sql, before);
  if (!plan.cut) return { removed: 0, plan };
  await writeCheckpoint(em, key, plan.cut);
  const [row] = await sql<{ removed: string }>('select koe_audit_prune(?)::text as removed', [before]);
  return { removed: Number(row?.removed ?? 0), plan };
}
