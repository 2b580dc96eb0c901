/**
 * Writing the rows one role reads into the BI tables: customers with the consents and purchases the
 * role reads through them, purchases by id, feedback; each value rendered as the role sees it
 * (src/data/bi/bi-rows.ts) and each record named in the batch's audit event.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { MaskContext } from '../../policies/maskers/index.js';
import { NIL_OWNER, type FieldCrypto } from '../encryption/index.js';
import { ConsentEntity, CustomerEntity, PurchaseEntity } from '../entities/index.js';
import { leanFind } from '../lean-rows.js';
import { TouchedRows } from '../touched-rows.js';
import type { BiPlan } from './bi-plan.js';
import { renderRow, writeRows, type BiDecisionCounts, type RenderContext } from './bi-rows.js';
import type { BiType } from './bi-tables.js';

export type Rec = Record<string, unknown> & { id: string };

/** What a write needs of a sync run. */
export interface BiWriteTarget {
  plan: BiPlan;
  schema: string;
  opts: { crypto: FieldCrypto; maskContext: MaskContext };
}

/** The batch a write adds its rows, records and field decisions to. */
export interface BiWriteBatch {
  rows: number;
  resources: string[];
  counts: BiDecisionCounts;
}

/** The conditions together; null (nothing visible) when any is null. */
export function and(...parts: Array<object | null>): object | null {
  if (parts.some((p) => p === null)) return null;
  const items = parts.filter((p) => Object.keys(p!).length > 0) as object[];
  return items.length === 0 ? {} : items.length === 1 ? items[0]! : { $and: items };
}

async function renderContext(s: BiWriteTarget, tx: EntityManager, batch: BiWriteBatch, owners: Iterable<string>): Promise<RenderContext> {
  const keys = await s.opts.crypto.loadKeys(tx, [...new Set(owners)]);
  return { plan: s.plan, crypto: s.opts.crypto, maskContext: s.opts.maskContext, decisions: batch.counts, keys };
}

/** Customers (visible, not erased) with their consents and purchases, as far as the role reads them through the customer. */
export async function writePeople(s: BiWriteTarget, tx: EntityManager, batch: BiWriteBatch, customers: readonly Rec[]): Promise<void> {
  if (customers.length === 0) return;
  const { plan, schema } = s;
  const ctx = await renderContext(s, tx, batch, customers.map((c) => c.id));
  const keyOf = new Map(customers.map((c) => [c.id, c.customerKey as string]));
  const customersTable = plan.tables.get('customers')!;
  batch.rows += await writeRows(tx, schema, customersTable, customers.map((c) => renderRow(ctx, customersTable, c, null, c.id)));
  batch.resources.push(...customers.map((c) => `Customer:${c.id}`));
  for (const [name, entity, via] of [['consents', ConsentEntity, 'consents'], ['purchases', PurchaseEntity, 'purchases']] as const) {
    const table = plan.tables.get(name);
    if (!table) continue;
    const type: BiType = table.type;
    // Only through customers whose `consents` / `purchases` field the role reads in the clear.
    const through = customers.filter((c) => plan.ability.decide('Customer', c, via).decision === 'PLAIN').map((c) => c.id);
    const where = and(plan.rowWhere(type), { customer: { $in: through } });
    if (through.length === 0 || where === null) continue;
    const rows = (await leanFind(tx, new TouchedRows(), entity as typeof PurchaseEntity, where, { formulas: plan.formulas(type) })) as unknown as Array<Rec & { customer: { id: string } }>;
    batch.rows += await writeRows(tx, schema, table, rows.map((r) => renderRow(ctx, table, r, keyOf.get(r.customer.id) ?? null, r.customer.id)));
    if (type === 'Purchase') batch.resources.push(...rows.map((r) => `Purchase:${r.id}`));
  }
}

export async function writePurchasesById(s: BiWriteTarget, tx: EntityManager, batch: BiWriteBatch, ids: readonly string[]): Promise<void> {
  const { plan } = s;
  const where = and(plan.rowWhere('Purchase'), { id: { $in: ids } });
  if (where === null) return;
  const rows = (await leanFind(tx, new TouchedRows(), PurchaseEntity, where, { formulas: plan.formulas('Purchase') })) as unknown as Array<Rec & { customer: { id: string } }>;
  const cw = and({ erasedAt: null }, plan.rowWhere('Customer'), { id: { $in: [...new Set(rows.map((r) => r.customer.id))] } });
  const customers = cw === null || rows.length === 0 ? [] : ((await leanFind(tx, new TouchedRows(), CustomerEntity, cw, { formulas: plan.formulas('Customer') })) as unknown as Rec[]);
  const shown = new Map(customers.filter((c) => plan.ability.decide('Customer', c, 'purchases').decision === 'PLAIN').map((c) => [c.id, c.customerKey as string]));
  const visible = rows.filter((r) => shown.has(r.customer.id));
  const ctx = await renderContext(s, tx, batch, visible.map((r) => r.customer.id));
  const table = plan.tables.get('purchases')!;
  batch.rows += await writeRows(tx, s.schema, table, visible.map((r) => renderRow(ctx, table, r, shown.get(r.customer.id)!, r.customer.id)));
  batch.resources.push(...visible.map((r) => `Purchase:${r.id}`));
}

export async function writeFeedback(s: BiWriteTarget, tx: EntityManager, batch: BiWriteBatch, feedback: readonly Rec[]): Promise<void> {
  if (feedback.length === 0) return;
  const table = s.plan.tables.get('feedback')!;
  const ownerOf = (f: Rec) => (f.customer as { id: string } | null)?.id ?? NIL_OWNER;
  const customerIds = [...new Set(feedback.map(ownerOf).filter((o) => o !== NIL_OWNER))];
  const keys = customerIds.length
    ? new Map((await tx.execute<Array<{ id: string; customer_key: string }>>(`select id, customer_key from customer where id = any(?::uuid[])`, [`{${customerIds.join(',')}}`])).map((r) => [r.id, r.customer_key]))
    : new Map<string, string>();
  const ctx = await renderContext(s, tx, batch, feedback.map(ownerOf));
  batch.rows += await writeRows(tx, s.schema, table, feedback.map((f) => renderRow(ctx, table, f, keys.get(ownerOf(f)) ?? null, ownerOf(f))));
  batch.resources.push(...feedback.map((f) => `Feedback:${f.id}`));
}
