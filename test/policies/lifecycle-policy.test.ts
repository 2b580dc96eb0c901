/**
 * The `lifecycle:` section (lifecycle.policy.yaml): the shipped periods load in run order, no
 * file means nothing is ever due, and a bad period, an unknown category or action, or a second
 * declaration is reported at file:line. Cutoffs are calendar arithmetic in UTC.
 */
import 'reflect-metadata';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cutoffFor } from '../../src/data/lifecycle/index.js';
import { PolicyError } from '../../src/policies/index.js';
import { parsePeriod } from '../../src/policies/load/lifecycle-policy.js';
import { loadPolicy } from '../../src/server/policy.js';
import { POLICY_DIR } from '../support/koe.js';

function dirWithLifecycle(yaml: string | null, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'koe-policies-'));
  cpSync(POLICY_DIR, dir, { recursive: true });
  if (yaml === null) rmSync(join(dir, 'lifecycle.policy.yaml'));
  else writeFileSync(join(dir, 'lifecycle.policy.yaml'), yaml);
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  return dir;
}

async function problemsOf(yaml: string, extra: Record<string, string> = {}): Promise<string> {
  try {
    await loadPolicy(dirWithLifecycle(yaml, extra));
    return '';
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    return e.problems.map((p) => `${p.loc.file.split('/').pop()}:${p.loc.line}: ${p.message}`).join('\n');
  }
}

describe('lifecycle policy', () => {
  it('loads the shipped periods in run order, contact details last', async () => {
    const { rules } = (await loadPolicy(POLICY_DIR)).lifecycle;
    expect(rules.map((r) => [r.category, r.keep, r.after, r.action])).toEqual([
      ['feedback', 'P3Y', 'receivedAt', 'scrub'],
      ['purchases', 'P7Y', 'orderedAt', 'anonymise'],
      ['contactDetails', 'P2Y', 'lastActivityAt', 'shred'],
    ]);
  });

  it('has no rules without lifecycle.policy.yaml, and fills in after and action when left out', async () => {
    expect((await loadPolicy(dirWithLifecycle(null))).lifecycle.rules).toEqual([]);
    const { rules } = (await loadPolicy(dirWithLifecycle('lifecycle:\n  feedback: { keep: P18M }\n'))).lifecycle;
    expect(rules).toEqual([{ category: 'feedback', keep: 'P18M', period: { years: 0, months: 18, days: 0 }, after: 'receivedAt', action: 'scrub' }]);
  });

  it.each([
    ['a period without P', 'lifecycle:\n  feedback: { keep: 3y }\n', 'lifecycle.policy.yaml:2: "lifecycle.feedback.keep" is not valid: keep is an ISO-8601 period'],
    ['a period with hours', 'lifecycle:\n  feedback: { keep: PT12H }\n', 'lifecycle.policy.yaml:2: "lifecycle.feedback.keep" is not valid'],
    ['a zero period', 'lifecycle:\n  purchases:\n    keep: P0Y\n', 'lifecycle.policy.yaml:3: "lifecycle.purchases.keep" must be a period longer than zero'],
    ['an empty period', 'lifecycle:\n  purchases:\n    keep: P\n', 'lifecycle.policy.yaml:3: "lifecycle.purchases.keep" must be a period longer than zero'],
    ['an unknown category', 'lifecycle:\n  feedback: { keep: P3Y }\n  invoices: { keep: P7Y }\n', 'lifecycle.policy.yaml:3: unexpected key "lifecycle.invoices"'],
    ['an unknown action', 'lifecycle:\n  feedback: { keep: P3Y, action: delete }\n', 'lifecycle.policy.yaml:2: "lifecycle.feedback.action" must be one of "scrub"'],
    ['the wrong date', 'lifecycle:\n  contactDetails: { keep: P2Y, after: createdAt }\n', 'lifecycle.policy.yaml:2: "lifecycle.contactDetails.after" must be one of "lastActivityAt"'],
    ['a missing keep', 'lifecycle:\n  feedback: { action: scrub }\n', 'lifecycle.policy.yaml:2: "lifecycle.feedback" needs "keep"'],
  ])('reports %s at its line', async (_what, yaml, expected) => {
    expect(await problemsOf(yaml)).toContain(expected);
  });

  it('refuses a second lifecycle: section', async () => {
    expect(await problemsOf('lifecycle:\n  feedback: { keep: P3Y }\n', { 'more.policy.yaml': 'lifecycle:\n  purchases: { keep: P7Y }\n' })).toMatch(
      /policy\.yaml:1: "lifecycle:" is declared twice/,
    );
  });
});

describe(cutoffFor.name, () => {
  it.each([
    ['P3Y', '2030-03-15T10:00:00.000Z', '2027-03-15T10:00:00.000Z'],
    ['P18M', '2030-03-15T10:00:00.000Z', '2028-09-15T10:00:00.000Z'],
    ['P1Y6M', '2030-03-15T10:00:00.000Z', '2028-09-15T10:00:00.000Z'],
    ['P90D', '2030-03-15T00:00:00.000Z', '2029-12-15T00:00:00.000Z'],
    ['P2W', '2030-03-15T00:00:00.000Z', '2030-03-01T00:00:00.000Z'],
    ['P1Y', '2028-02-29T00:00:00.000Z', '2027-03-01T00:00:00.000Z'],
  ])('%s before %s is %s', (keep, now, cutoff) => {
    expect(cutoffFor(new Date(now), parsePeriod(keep)!).toISOString()).toBe(cutoff);
  });
});
