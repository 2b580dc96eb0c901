/**
 * Aggregate tables of a BI schema: the answers `feedbackStats` / `customerStats` give the BI role,
 * suppressed groups included, stored as tables a BI tool can read. This module only stores them;
 * what they hold is computed by the caller (src/server/bi-aggregates.ts) with the GraphQL path's own
 * statements and suppression, so the two faces cannot drift apart. They are replaced whole, in one
 * transaction, whenever the BI tables moved since they were computed.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { KoeAbility } from '../../policies/index.js';

export interface BiAggregateColumn {
  readonly column: string;
  readonly sqlType: string;
}

/** One aggregate as the role gets it; `rows: null`: the role may not group so, and the table is absent. */
export interface BiAggregate {
  readonly name: string;
  readonly comment: string;
  readonly columns: readonly BiAggregateColumn[];
  readonly rows: readonly Record<string, unknown>[] | null;
}

export interface BiAggregateSet {
  readonly aggregates: readonly BiAggregate[];
  /** Records summed per `Type.field` read, decision `AGGREGATED` (the audit event's counts). */
  readonly decisions: Record<string, Record<string, number>>;
}

/** What the sync needs from the aggregate side: the names it may have created, and a fresh computation. */
export interface BiAggregateSource {
  readonly names: readonly string[];
  /** `ability`: the BI role's, as `biPlan` builds it for the tables. */
  compute(tx: EntityManager, ability: KoeAbility): Promise<BiAggregateSet>;
}

/** Drops every aggregate table the source may have created (a rebuild, a policy that no longer allows one). */
export async function dropAggregates(tx: EntityManager, schema: string, names: readonly string[]): Promise<void> {
  for (const name of names) await tx.execute(`drop table if exists ${schema}."${name}"`);
}

/** Replaces the aggregate tables with `set`; returns the rows written. */
export async function writeAggregates(tx: EntityManager, schema: string, set: BiAggregateSet, role: string, policyVersion: string): Promise<number> {
  await dropAggregates(tx, schema, set.aggregates.map((a) => a.name));
  let written = 0;
  for (const a of set.aggregates) {
    if (a.rows === null) continue;
    const cols = a.columns.map((c) => `"${c.column}"`).join(', ');
    await tx.execute(`create table ${schema}."${a.name}" (${a.columns.map((c) => `"${c.column}" ${c.sqlType}`).join(', ')})`);
    await tx.execute(`comment on table ${schema}."${a.name}" is '${`koe bi sync: ${a.comment}, as role ${role} gets it under policy ${policyVersion}`.replace(/'/g, "''")}'`);
    if (a.rows.length) {
      await tx.execute(`insert into ${schema}."${a.name}" (${cols}) select ${cols} from jsonb_populate_recordset(null::${schema}."${a.name}", ?::jsonb)`, [JSON.stringify(a.rows)]);
    }
    written += a.rows.length;
  }
  return written;
}
