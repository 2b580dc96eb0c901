/**
 * Retention per action (`retention:` in audit.policy.yaml) on a chain that can only lose a
 * prefix: an event is expired when it is older than its action's period, and the prunable part is
 * the longest prefix of expired events, so pruning stops at the first event still within its
 * period; expired events behind it wait until it expires too. Reported as "held back".
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RetentionRule } from '../policies/index.js';
import type { Sql } from './chain-reader.js';
import { writeCheckpoint, type CheckpointKey } from './checkpoint.js';
import { verifyChain } from './verify.js';

export interface RetentionPlan {
  /** The last event that would go; null: the first event is still within its period. */
  cut: { seq: string; hash: string } | null;
  /** The first event kept (the one that stops the prefix, or the head); null on an empty chain. */
  firstKept: { seq: string; action: string; at: Date } | null;
  /** Events that would go, per action. */
  byAction: Record<string, number>;
  events: number;
  /** Expired events after `firstKept`: kept for now because the chain only loses a prefix. */
  heldBack: number;
}

/** The period of `action`: an exact key, else the longest matching `prefix.*`, else `default`. */
export function periodFor(action: string, rules: readonly RetentionRule[]): number | null {
  // `rules` comes sorted most specific first (compileAuditPolicy).
  const rule = rules.find((r) => r.action === action || r.action === 'default' || (r.action.endsWith('.*') && action.startsWith(r.action.slice(0, -1))));
  return rule?.period ?? null;
}

/** `expired` as one SQL expression over a row, so the plan is computed in the database, not in memory. */
function expiredExpr(rules: readonly RetentionRule[], now: Date): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const whens = rules.map((r) => {
    const cutoff = new Date(now.getTime() - r.period * 1000);
    if (r.action === 'default') return (params.push(cutoff), 'when true then at < ?');
    if (r.action.endsWith('.*')) return (params.push(r.action.slice(0, -1), cutoff), 'when starts_with(action, ?) then at < ?');
    return (params.push(r.action, cutoff), 'when action = ? then at < ?');
  });
  // No rule for an action: kept (deny by default applies to deletion too).
  return { sql: `(case ${whens.join(' ')} else false end)`, params };
}

export async function planRetention(sql: Sql, rules: readonly RetentionRule[], now = new Date()): Promise<RetentionPlan> {
  const expired = expiredExpr(rules, now);
  // The head always stays, expired or not: the next append reads it for its seq and prevHash,
  // and an empty table would restart the chain at seq 1 behind the checkpoint just signed.
  const [kept] = await sql<{ seq: string; action: string; at: Date }>(
    `select seq::text as seq, action, at from audit_event where not ${expired.sql} or seq = (select max(seq) from audit_event) order by audit_event.seq limit 1`, expired.params);
  const bound = kept ? 'seq < ?' : 'true';
  const rows = await sql<{ action: string; n: string }>(`select action, count(*)::text as n from audit_event where ${bound} group by action order by action`, kept ? [kept.seq] : []);
  const byAction = Object.fromEntries(rows.map((r) => [r.action, Number(r.n)]));
  const events = rows.reduce((s, r) => s + Number(r.n), 0);
  const [cut] = events ? await sql<{ seq: string; hash: string }>(`select seq::text as seq, hash from audit_event where ${bound} order by audit_event.seq desc limit 1`, kept ? [kept.seq] : []) : [];
  const [held] = kept ? await sql<{ n: string }>(`select count(*)::text as n from audit_event where seq > ? and ${expired.sql}`, [kept.seq, ...expired.params]) : [];
  return { cut: cut ?? null, firstKept: kept ? { ...kept, at: new Date(kept.at) } : null, byAction, events, heldBack: Number(held?.n ?? 0) };
}

/**
 * Signs a checkpoint at the cut, then lets `koe_audit_prune(before)` delete up to it, with
 * `before` the first kept event's time: the function keeps every event from the first one at or
 * after `before` and deletes only up to a checkpoint before that, so it never removes more than
 * planned (with skewed clocks it may remove less, never an unexpired event).
 */
export async function pruneByRetention(em: EntityManager, sql: Sql, key: CheckpointKey, rules: readonly RetentionRule[], now = new Date()): Promise<{ removed: number; plan: RetentionPlan }> {
  const report = await verifyChain(sql, { key });
  if (!report.ok) throw new Error(`the audit chain does not verify (seq ${report.problem!.seq}: ${report.problem!.message}); not pruning`);
  const plan = await planRetention(sql, rules, now);
  if (!plan.cut) return { removed: 0, plan };
  await writeCheckpoint(em, key, plan.cut);
  const [row] = await sql<{ removed: string }>('select koe_audit_prune(?)::text as removed', [plan.firstKept?.at ?? now]);
  return { removed: Number(row?.removed ?? 0), plan };
}
