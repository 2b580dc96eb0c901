/**
 * Retention and disposal (`koe lifecycle run`): what each rule of lifecycle.policy.yaml makes due
 * as of `now`, and disposing of it in batches, one transaction per batch. A batch locks its rows
 * with `for update skip locked`, so two runs (or a run and the API) never wait on each other, and
 * commits its disposal together with whatever `onBatch` writes (the CLI: one audit event). A crash
 * loses at most the open batch; a rerun finds what is still due and carries on.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { LifecycleCategory, LifecycleRule } from '../../policies/model.js';
import { cutoffFor } from './cutoff.js';
import { DISPOSALS } from './disposals.js';

export const DEFAULT_LIFECYCLE_BATCH = 500;

export interface DueCategory {
  readonly category: LifecycleCategory;
  readonly keep: string;
  readonly after: string;
  readonly action: string;
  /** Rows whose `after` date is earlier than this are due. */
  readonly cutoff: Date;
  readonly due: number;
}

export interface LifecycleBatch {
  readonly category: LifecycleCategory;
  readonly action: string;
  readonly keep: string;
  readonly cutoff: Date;
  /** 1-based, per category and run. */
  readonly number: number;
  readonly ids: readonly string[];
  /** `Feedback:<id>`, `Purchase:<id>`, `Customer:<id>`. */
  readonly resources: readonly string[];
}

export interface LifecycleProgress {
  readonly category: LifecycleCategory;
  /** Rows disposed of so far in this run, over all categories, and the total due at the start. */
  readonly done: number;
  readonly total: number;
}

export interface ApplyOptions {
  now?: Date;
  batchSize?: number;
  /** Runs inside the batch's transaction, after the disposal: what it writes commits with it. */
  onBatch?: (tx: EntityManager, batch: LifecycleBatch) => Promise<void>;
  /** After each batch committed. */
  onProgress?: (progress: LifecycleProgress) => void;
}

export interface CategoryResult extends DueCategory {
  readonly disposed: number;
  readonly batches: number;
  /** Still due after the run: rows another transaction held locked (a rerun takes them). */
  readonly remaining: number;
}

type Row = Record<string, unknown>;

/** The dry run: per rule, its cutoff and how many rows are due. Changes nothing. */
export async function findDue(em: EntityManager, rules: readonly LifecycleRule[], now: Date = new Date()): Promise<DueCategory[]> {
  const out: DueCategory[] = [];
  for (const rule of rules) {
    const cutoff = cutoffFor(now, rule.period);
    const d = DISPOSALS[rule.category];
    const [row] = await em.getConnection().execute<Row[]>(`select count(*)::int as n from ${d.table} where ${d.due}`, [cutoff]);
    out.push({ category: rule.category, keep: rule.keep, after: rule.after, action: rule.action, cutoff, due: Number(row?.n ?? 0) });
  }
  return out;
}

/** Disposes of everything due, category by category in rule order, `batchSize` rows per transaction. */
export async function applyLifecycle(em: EntityManager, rules: readonly LifecycleRule[], opts: ApplyOptions = {}): Promise<CategoryResult[]> {
  const now = opts.now ?? new Date();
  const batchSize = opts.batchSize ?? DEFAULT_LIFECYCLE_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer (got ${batchSize})`);
  const due = await findDue(em, rules, now);
  const total = due.reduce((n, c) => n + c.due, 0);
  let done = 0;
  const results: CategoryResult[] = [];
  for (const category of due) {
    const d = DISPOSALS[category.category];
    let disposed = 0;
    let batches = 0;
    for (;;) {
      const ids = await em.fork().transactional(async (tx) => {
        const rows = await tx.execute<Row[]>(
          `select id from ${d.table} where ${d.due} order by id limit ${batchSize} for update skip locked`,
          [category.cutoff],
        );
        const ids = rows.map((r) => String(r.id));
        if (ids.length === 0) return ids;
        await d.dispose(tx, ids, now);
        const batch: LifecycleBatch = {
          category: category.category, action: category.action, keep: category.keep, cutoff: category.cutoff,
          number: batches + 1, ids, resources: ids.map((id) => `${d.resource}:${id}`),
        };
        await opts.onBatch?.(tx, batch);
        return ids;
      });
      if (ids.length === 0) break;
      batches += 1;
      disposed += ids.length;
      done += ids.length;
      opts.onProgress?.({ category: category.category, done, total: Math.max(total, done) });
    }
    const [left] = await em.getConnection().execute<Row[]>(`select count(*)::int as n from ${d.table} where ${d.due}`, [category.cutoff]);
    results.push({ ...category, disposed, batches, remaining: Number(left?.n ?? 0) });
  }
  return results;
}
