/**
 * `koe bi sync`: keeps a schema (default `koe_bi`) holding what one role reads through GraphQL.
 *
 * - First run, or the policy version (or role) changed: the tables are dropped and rebuilt from
 *   the base tables, customers then feedback, in keyset batches.
 * - Otherwise only what the `bi_change` outbox (filled by triggers) lists after the watermark.
 * - Every batch commits its rows, the new watermark (or rebuild cursor) and, through `onBatch`,
 *   its audit event together: a crash loses at most one batch, and a rerun resumes.
 * - Then, when the tables moved since the aggregate tables were computed (`aggregates_seq`), the
 *   aggregates are recomputed and replaced in one more batch (src/data/bi/bi-aggregates.ts).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { MaskContext } from '../../policies/maskers/index.js';
import type { PolicySet } from '../../policies/index.js';
import type { FieldCrypto } from '../encryption/index.js';
import { CustomerEntity, FeedbackEntity } from '../entities/index.js';
import { leanFind } from '../lean-rows.js';
import { TouchedRows } from '../touched-rows.js';
import { dropAggregates, writeAggregates, type BiAggregateSource } from './bi-aggregates.js';
import { biPlan, type BiPlan } from './bi-plan.js';
import { BiDecisionCounts, tableDdl } from './bi-rows.js';
import { and, writeFeedback, writePeople, writePurchasesById, type Rec } from './bi-write.js';
import { BI_TABLES, CUSTOMER_KEY, sqlName } from './bi-tables.js';

export const DEFAULT_BI_SCHEMA = 'koe_bi';
export const DEFAULT_BI_ROLE = 'bi_readonly';
export const DEFAULT_BI_BATCH = 500;

export interface BiSyncOptions {
  schema?: string;
  role?: string;
  policy: PolicySet;
  crypto: FieldCrypto;
  maskContext: MaskContext;
  batchSize?: number;
  onProgress?: (done: number, total: number, label: string) => void;
  /** Runs in the batch's transaction (its audit event): no batch without it. */
  onBatch?: (tx: EntityManager, batch: BiBatch) => Promise<void>;
  /** The aggregate tables (the GraphQL aggregates as the role gets them); absent: none. */
  aggregates?: BiAggregateSource;
}

export interface BiBatch {
  schema: string;
  role: string;
  phase: 'rebuild:customers' | 'rebuild:feedback' | 'changes' | 'aggregates';
  /** Rows written to the BI tables (aggregates: to the aggregate tables). */
  rows: number;
  /** Rows removed before being written again (changes) or because they are no longer visible. */
  removed: number;
  /** Outbox entries applied (changes only). */
  changes: number;
  /** Per `Type.field`, per decision (PLAIN, MASKED, DENIED; AGGREGATED for the aggregates). */
  decisions: Record<string, Record<string, number>>;
  omitted: readonly string[];
  resources: string[];
}

export interface BiSyncResult {
  schema: string;
  role: string;
  policyVersion: string;
  rebuilt: boolean;
  rows: number;
  removed: number;
  changes: number;
  batches: number;
  omitted: readonly string[];
  /** Rows written to the aggregate tables; null: they were current and not recomputed. */
  aggregateRows: number | null;
}

interface State {
  role: string;
  policy_version: string | null;
  last_seq: string;
  rebuild_phase: 'customers' | 'feedback' | null;
  rebuild_after: string | null;
  aggregates_seq: string | null;
}


export async function biSync(em: EntityManager, opts: BiSyncOptions): Promise<BiSyncResult> {
  const name = opts.schema ?? DEFAULT_BI_SCHEMA;
  const schema = sqlName('schema', name);
  const plan = biPlan(opts.policy, opts.role ?? DEFAULT_BI_ROLE);
  const batchSize = opts.batchSize ?? DEFAULT_BI_BATCH;
  const result: BiSyncResult = { schema: name, role: plan.role, policyVersion: plan.policyVersion, rebuilt: false, rows: 0, removed: 0, changes: 0, batches: 0, omitted: plan.omitted, aggregateRows: null };
  const s = { em, name, schema, plan, opts, batchSize, result };

  const state = await readState(em, name);
  const present = (await em.execute<Array<{ n: number }>>(`select count(*)::int as n from pg_namespace where nspname = ?`, [name]))[0]!.n > 0;
  if (!state || !present || state.policy_version !== plan.policyVersion || state.role !== plan.role) await startRebuild(s);
  let current = (await readState(em, name))!;
  if (current.rebuild_phase) {
    result.rebuilt = true;
    await rebuild(s);
    current = (await readState(em, name))!;
  }
  await applyChanges(s, current);
  await refreshAggregates(s);
  // Entries every BI schema has applied are not needed again.
  await em.execute(`delete from bi_change where seq <= (select min(last_seq) from bi_sync_state)`);
  return result;
}

type Sync = { em: EntityManager; name: string; schema: string; plan: BiPlan; opts: BiSyncOptions; batchSize: number; result: BiSyncResult };

async function readState(em: EntityManager, name: string): Promise<State | null> {
  const rows = await em.execute<State[]>(`select role, policy_version, last_seq::text as last_seq, rebuild_phase, rebuild_after, aggregates_seq::text as aggregates_seq from bi_sync_state where schema_name = ?`, [name]);
  return rows[0] ?? null;
}

async function lockState(tx: EntityManager, name: string): Promise<State> {
  const rows = await tx.execute<State[]>(`select role, policy_version, last_seq::text as last_seq, rebuild_phase, rebuild_after, aggregates_seq::text as aggregates_seq from bi_sync_state where schema_name = ? for update`, [name]);
  if (!rows[0]) throw new Error(`bi_sync_state has no row for ${name}: another process dropped it`);
  return rows[0];
}

/** Empty tables of the plan's columns; the watermark is the outbox's head, so what changes during the rebuild is applied after it. */
async function startRebuild({ em, name, schema, plan, opts }: Sync): Promise<void> {
  await em.transactional(async (tx) => {
    await tx.execute(`create schema if not exists ${schema}`);
    for (const t of BI_TABLES) await tx.execute(`drop table if exists ${schema}."${t.name}"`);
    // Counts of the old policy's rows must not outlive its tables.
    await dropAggregates(tx, schema, opts.aggregates?.names ?? []);
    for (const t of plan.tables.values()) for (const ddl of tableDdl(schema, t, plan.policyVersion, plan.role)) await tx.execute(ddl);
    await tx.execute(
      `insert into bi_sync_state (schema_name, role, policy_version, last_seq, rebuild_phase, rebuild_after)
       values (?, ?, ?, (select coalesce(max(seq), 0) from bi_change), 'customers', null)
       on conflict (schema_name) do update set role = excluded.role, policy_version = excluded.policy_version, last_seq = excluded.last_seq,
         rebuild_phase = 'customers', rebuild_after = null, aggregates_seq = null`,
      [name, plan.role, plan.policyVersion],
    );
  });
}

async function rebuild(s: Sync): Promise<void> {
  const { em, name, plan, batchSize } = s;
  const total =
    (await em.execute<Array<{ n: number }>>(`select (select count(*) from customer) + (select count(*) from feedback) as n`))[0]!.n;
  let done = 0;
  for (;;) {
    const more = await em.transactional(async (tx) => {
      const state = await lockState(tx, name);
      if (!state.rebuild_phase) return false;
      const phase = state.rebuild_phase;
      const after = state.rebuild_after ? { id: { $gt: state.rebuild_after } } : {};
      const batch = newBatch(s, `rebuild:${phase}`);
      let last: string | null = null;
      if (phase === 'customers') {
        const where = and({ erasedAt: null }, plan.rowWhere('Customer'), after);
        const customers = where === null || !plan.tables.has('customers') ? [] : ((await leanFind(tx, new TouchedRows(), CustomerEntity, where, { orderBy: { id: 'asc' }, limit: batchSize, formulas: plan.formulas('Customer') })) as unknown as Rec[]);
        await writePeople(s, tx, batch, customers);
        last = customers.length === batchSize ? customers[customers.length - 1]!.id : null;
      } else {
        const where = and(feedbackVisible(plan), after);
        const feedback = where === null || !plan.tables.has('feedback') ? [] : ((await leanFind(tx, new TouchedRows(), FeedbackEntity, where, { orderBy: { id: 'asc' }, limit: batchSize, formulas: plan.formulas('Feedback') })) as unknown as Rec[]);
        await writeFeedback(s, tx, batch, feedback);
        last = feedback.length === batchSize ? feedback[feedback.length - 1]!.id : null;
      }
      const next = last ? phase : phase === 'customers' ? 'feedback' : null;
      await tx.execute(`update bi_sync_state set rebuild_phase = ?, rebuild_after = ?, synced_at = now() where schema_name = ?`, [next, last, name]);
      await finishBatch(s, tx, batch);
      done += batch.resources.length;
      s.opts.onProgress?.(done, total, phase);
      return next !== null;
    });
    if (!more) return;
  }
}

/** Feedback the role sees, less that of erased customers (removed from BI with the person). */
function feedbackVisible(plan: BiPlan): object | null {
  return and(plan.rowWhere('Feedback'), { $or: [{ customer: null }, { customer: { erasedAt: null } }] });
}

async function applyChanges(s: Sync, start: State): Promise<void> {
  const { em, name, schema, plan, batchSize } = s;
  const total = (await em.execute<Array<{ n: number }>>(`select count(*)::int as n from bi_change where seq > ?`, [start.last_seq]))[0]!.n;
  let done = 0;
  for (;;) {
    const more = await em.transactional(async (tx) => {
      const state = await lockState(tx, name);
      // Ordered by the column, not the text alias: '1000' sorts before '996', and the watermark would skip.
      const changes = await tx.execute<Array<{ seq: string; tbl: string; row_id: string | null; customer_id: string | null }>>(
        `select seq::text as seq, tbl, row_id, customer_id from bi_change where bi_change.seq > ? order by bi_change.seq limit ?`,
        [state.last_seq, batchSize],
      );
      if (changes.length === 0) return false;
      const people = new Set(changes.filter((c) => c.tbl === 'customer' && c.customer_id).map((c) => c.customer_id!));
      const rowsOf = (tbl: string) => [...new Set(changes.filter((c) => c.tbl === tbl && c.row_id && !(c.customer_id && people.has(c.customer_id))).map((c) => c.row_id!))];
      const feedbackIds = rowsOf('feedback');
      const purchaseIds = rowsOf('purchase');
      const batch = newBatch(s, 'changes');
      batch.changes = changes.length;
      const ids = (xs: Iterable<string>) => `{${[...xs].join(',')}}`;
      for (const t of plan.tables.values()) {
        if (people.size) batch.removed += await removed(tx, `delete from ${schema}."${t.name}" where ${CUSTOMER_KEY} in (select customer_key from customer where id = any(?::uuid[]))`, [ids(people)]);
      }
      if (feedbackIds.length && plan.tables.has('feedback')) batch.removed += await removed(tx, `delete from ${schema}."feedback" where id = any(?::uuid[])`, [ids(feedbackIds)]);
      if (purchaseIds.length && plan.tables.has('purchases')) batch.removed += await removed(tx, `delete from ${schema}."purchases" where id = any(?::uuid[])`, [ids(purchaseIds)]);

      if (people.size) {
        const who = { id: { $in: [...people] } };
        const cw = and({ erasedAt: null }, plan.rowWhere('Customer'), who);
        const customers = cw === null || !plan.tables.has('customers') ? [] : ((await leanFind(tx, new TouchedRows(), CustomerEntity, cw, { formulas: plan.formulas('Customer') })) as unknown as Rec[]);
        await writePeople(s, tx, batch, customers);
        const fw = and(feedbackVisible(plan), { customer: who });
        if (fw !== null && plan.tables.has('feedback')) await writeFeedback(s, tx, batch, (await leanFind(tx, new TouchedRows(), FeedbackEntity, fw, { formulas: plan.formulas('Feedback') })) as unknown as Rec[]);
      }
      if (feedbackIds.length && plan.tables.has('feedback')) {
        const fw = and(feedbackVisible(plan), { id: { $in: feedbackIds } });
        if (fw !== null) await writeFeedback(s, tx, batch, (await leanFind(tx, new TouchedRows(), FeedbackEntity, fw, { formulas: plan.formulas('Feedback') })) as unknown as Rec[]);
      }
      if (purchaseIds.length && plan.tables.has('purchases')) await writePurchasesById(s, tx, batch, purchaseIds);

      await tx.execute(`update bi_sync_state set last_seq = ?, synced_at = now() where schema_name = ?`, [changes[changes.length - 1]!.seq, name]);
      await finishBatch(s, tx, batch);
      done += changes.length;
      s.opts.onProgress?.(done, Math.max(total, done), 'changes');
      return changes.length === batchSize;
    });
    if (!more) return;
  }
}

/** Recomputes the aggregate tables when the BI tables moved since (one batch, one audit event). */
async function refreshAggregates(s: Sync): Promise<void> {
  const source = s.opts.aggregates;
  if (!source) return;
  await s.em.transactional(async (tx) => {
    const state = await lockState(tx, s.name);
    if (state.rebuild_phase || state.aggregates_seq === state.last_seq) return;
    const set = await source.compute(tx, s.plan.ability);
    const batch = newBatch(s, 'aggregates');
    batch.rows = await writeAggregates(tx, s.schema, set, s.plan.role, s.plan.policyVersion);
    batch.decisions = set.decisions;
    await tx.execute(`update bi_sync_state set aggregates_seq = last_seq where schema_name = ?`, [s.name]);
    await finishBatch(s, tx, batch);
    s.opts.onProgress?.(1, 1, 'aggregates');
  });
}

async function removed(tx: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const rows = await tx.execute<Array<{ n: number }>>(`with gone as (${sql} returning 1) select count(*)::int as n from gone`, params);
  return rows[0]?.n ?? 0;
}

function newBatch(s: Sync, phase: BiBatch['phase']): BiBatch & { counts: BiDecisionCounts } {
  const counts = new BiDecisionCounts();
  return { schema: s.name, role: s.plan.role, phase, rows: 0, removed: 0, changes: 0, decisions: counts.counts, omitted: s.plan.omitted, resources: [], counts };
}

async function finishBatch(s: Sync, tx: EntityManager, batch: BiBatch & { counts: BiDecisionCounts }): Promise<void> {
  const { counts: _counts, ...out } = batch;
  if (batch.phase === 'aggregates') s.result.aggregateRows = batch.rows;
  else s.result.rows += batch.rows;
  s.result.removed += batch.removed;
  s.result.changes += batch.changes;
  s.result.batches += 1;
  await s.opts.onBatch?.(tx, out);
}
