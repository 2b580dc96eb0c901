/**
 * Rows as the role reads them: each column's value decided per record by the role's ability,
 * sealed values opened with the owner's data key only when the decision is not DENIED, MASKED
 * values passed through the policy's masker, and written with one statement per table.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { DecryptionError } from '../../crypto/index.js';
import { MASKERS, type MaskContext } from '../../policies/maskers/index.js';
import type { FieldCrypto } from '../encryption/index.js';
import type { BiPlan } from './bi-plan.js';
import { CUSTOMER_KEY, type BiTable } from './bi-tables.js';

/** Decisions made in a batch, per `Type.field` (the audit event's counts). */
export class BiDecisionCounts {
  readonly counts: Record<string, { PLAIN: number; MASKED: number; DENIED: number }> = {};

  count(path: string, decision: 'PLAIN' | 'MASKED' | 'DENIED', n = 1): void {
    (this.counts[path] ??= { PLAIN: 0, MASKED: 0, DENIED: 0 })[decision] += n;
  }
}

export interface RenderContext {
  plan: BiPlan;
  crypto: FieldCrypto;
  maskContext: MaskContext;
  decisions: BiDecisionCounts;
  /** Data keys of the owners of the rows rendered (absent: shredded). */
  keys: ReadonlyMap<string, Buffer>;
}

type Rec = Record<string, unknown> & { id: string };

/** One output row; `customerKey` and `owner` (whose data key seals the row) come from the caller. */
export function renderRow(ctx: RenderContext, table: BiTable, record: Rec, customerKey: string | null, owner: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of table.columns) {
    if (c.column === CUSTOMER_KEY && table.type !== 'Customer') {
      out[c.column] = customerKey;
      continue;
    }
    const { decision, masker } = ctx.plan.ability.decide(table.type, record, c.field);
    ctx.decisions.count(`${table.type}.${c.field}`, decision);
    if (decision === 'DENIED') {
      out[c.column] = null;
      continue;
    }
    let value = record[c.property];
    if (c.sealed) value = open(ctx, c.sealed.table, c.sealed.column, record.id, owner, value);
    if (decision === 'MASKED') value = MASKERS[masker!](value, ctx.maskContext);
    out[c.column] = value instanceof Date ? value.toISOString() : value ?? null;
  }
  return out;
}

function open(ctx: RenderContext, table: 'customer' | 'purchase' | 'feedback', column: string, id: string, owner: string, stored: unknown): string | null {
  if (stored === null || stored === undefined) return null;
  if (stored === '') return '';
  const key = ctx.keys.get(owner);
  if (!key) return null; // shredded: nothing personal can be opened, so nothing is given
  try {
    return ctx.crypto.decrypt(key, table, column, id, stored as string);
  } catch (e) {
    if (e instanceof DecryptionError) return null;
    throw e;
  }
}

/** Upserts rendered rows (one statement; JSON carries every type, arrays and timestamps included). */
export async function writeRows(tx: EntityManager, schema: string, table: BiTable, rows: readonly Record<string, unknown>[]): Promise<number> {
  if (rows.length === 0) return 0;
  const cols = table.columns.map((c) => `"${c.column}"`).join(', ');
  const pk = table.primaryKey.map((c) => `"${c}"`).join(', ');
  const rest = table.columns.filter((c) => !table.primaryKey.includes(c.column));
  const update = rest.length ? `do update set ${rest.map((c) => `"${c.column}" = excluded."${c.column}"`).join(', ')}` : 'do nothing';
  await tx.execute(
    `insert into ${schema}."${table.name}" (${cols}) select ${cols} from jsonb_populate_recordset(null::${schema}."${table.name}", ?::jsonb) on conflict (${pk}) ${update}`,
    [JSON.stringify(rows)],
  );
  return rows.length;
}

/** `create table` for the columns the role may read. */
export function tableDdl(schema: string, table: BiTable, policyVersion: string, role: string): string[] {
  const cols = table.columns.map((c) => `"${c.column}" ${c.sqlType}`).join(', ');
  return [
    `create table ${schema}."${table.name}" (${cols}, primary key (${table.primaryKey.map((c) => `"${c}"`).join(', ')}))`,
    `comment on table ${schema}."${table.name}" is 'koe bi sync: ${table.type} as role ${role} reads it under policy ${policyVersion}; DENIED fields are absent'`,
  ];
}
