/** What every section collector shares: the database, the period, and a section builder. */
import type { Sql } from '../chain-reader.js';
import type { CheckpointKey } from '../checkpoint.js';
import { CONTROL_TESTS } from './control-tests.js';
import type { Cell, EvidencePeriod, EvidenceSection } from './evidence-model.js';

export interface CollectContext {
  sql: Sql;
  period: EvidencePeriod;
  key: CheckpointKey | null;
  /** The policy version on disk when the pack is made. */
  policyVersion: string;
  /** Chain verification progress: events done of total. */
  onProgress?: (done: number, total: number) => void;
}

export type Collector = (c: CollectContext) => Promise<EvidenceSection>;

export function section(
  s: Omit<EvidenceSection, 'tests' | 'notes'> & { notes?: string[]; control?: string },
): EvidenceSection {
  const { control, ...rest } = s;
  return { notes: [], ...rest, tests: [...(CONTROL_TESTS[control ?? s.id] ?? [])] };
}

export const iso = (d: unknown): string | null => (d === null || d === undefined ? null : (d instanceof Date ? d : new Date(String(d))).toISOString());
export const hours = (ms: number): number => Math.round((ms / 3_600_000) * 10) / 10;
export const cell = (v: unknown): Cell => (v === null || v === undefined ? null : typeof v === 'number' || typeof v === 'boolean' ? v : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Runs a query whose two placeholders are the period's bounds (from inclusive, to exclusive). */
export function inPeriod<T = Record<string, unknown>>(c: CollectContext, text: string): Promise<T[]> {
  return c.sql<T>(text, [c.period.from, c.period.to]);
}

/** Audit events of the period whose action matches a LIKE pattern, in order. */
export async function eventsLike(c: CollectContext, patterns: string[]): Promise<Array<Record<string, unknown>>> {
  return c.sql(
    `select seq::text as seq, at, actor_id, action, outcome, resources, detail from audit_event
      where at >= ? and at < ? and (${patterns.map(() => 'action like ?').join(' or ')}) order by seq`,
    [c.period.from, c.period.to, ...patterns],
  );
}

export const detailOf = (r: Record<string, unknown>): Record<string, unknown> =>
  (typeof r.detail === 'string' ? JSON.parse(r.detail) : (r.detail ?? {})) as Record<string, unknown>;
export const targetOf = (r: Record<string, unknown>, type = 'Principal'): string | null =>
  ((r.resources as string[] | null) ?? []).find((x) => x.startsWith(`${type}:`))?.slice(type.length + 1) ?? null;
