/**
 * Compiles `lifecycle:` (lifecycle.policy.yaml) after the schema passed: declared at most once
 * across the directory, each period an ISO-8601 duration of whole years, months, weeks and days
 * (`P3Y`, `P18M`, `P1Y6M`, `P90D`) that is not zero. No file declaring it: nothing is ever due.
 * Problems carry file:line like every other policy problem.
 */
import type { Problem } from '../errors.js';
import { LIFECYCLE_CATEGORIES, type CalendarPeriod, type LifecycleCategory, type LifecyclePolicy, type LifecycleRule } from '../model.js';
import { locate, type ParsedFile } from './yaml-source.js';

/** The shape the schema enforces; `parsePeriod` reads it. */
export const ISO_PERIOD_PATTERN = '^P(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)W)?(?:([0-9]+)D)?$';
const ISO_PERIOD = new RegExp(ISO_PERIOD_PATTERN);

/** What each category is measured from and what disposal does to it: one of each, for now. */
export const LIFECYCLE_DEFAULTS: Readonly<Record<LifecycleCategory, { after: string; action: string }>> = {
  feedback: { after: 'receivedAt', action: 'scrub' },
  purchases: { after: 'orderedAt', action: 'anonymise' },
  contactDetails: { after: 'lastActivityAt', action: 'shred' },
};

/** `P1Y6M` → { years: 1, months: 6, days: 0 }; null when not an ISO-8601 period of Y, M, W, D. */
export function parsePeriod(text: string): CalendarPeriod | null {
  const m = ISO_PERIOD.exec(text);
  if (!m || text === 'P') return null;
  const n = (i: number) => Number(m[i] ?? 0);
  return { years: n(1), months: n(2), days: n(3) * 7 + n(4) };
}

interface RawRule {
  keep: string;
  after?: string;
  action?: string;
}

export function compileLifecyclePolicy(files: readonly ParsedFile[], problems: Problem[]): LifecyclePolicy {
  let rules: LifecycleRule[] = [];
  let first: string | null = null;
  for (const file of files) {
    const raw = (file.data as { lifecycle?: Partial<Record<LifecycleCategory, RawRule>> }).lifecycle;
    if (raw === undefined) continue;
    if (first) problems.push({ loc: locate(file, ['lifecycle'], 'key'), message: `"lifecycle:" is declared twice (first in ${first}): keep one` });
    first ??= file.source.path;
    rules = [];
    // Fixed order: feedback and purchases before contact details, whose shredding also empties
    // the customer's feedback and purchases, so a dry run's counts are what --apply disposes.
    for (const category of LIFECYCLE_CATEGORIES) {
      const r = raw[category];
      if (!r) continue;
      const period = parsePeriod(r.keep);
      if (!period || period.years + period.months + period.days === 0) {
        problems.push({ loc: locate(file, ['lifecycle', category, 'keep']), message: `"lifecycle.${category}.keep" must be a period longer than zero, such as P3Y, P18M or P90D` });
        continue;
      }
      const { after, action } = LIFECYCLE_DEFAULTS[category];
      rules.push({ category, keep: r.keep, period, after: r.after ?? after, action: r.action ?? action });
    }
  }
  return { rules };
}
