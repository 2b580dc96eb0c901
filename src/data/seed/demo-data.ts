/**
 * Deterministic demo data that looks like a Japanese retailer's Voice-of-Customer: customers,
 * purchases, consents, feedback and one principal per role. Same options -> identical output:
 * no wall clock, no Math.random, only the seeded PRNG, one stream per part so that asking for
 * more feedback leaves the customers unchanged.
 */
import { generateConsents } from './consents.js';
import { generateCustomers } from './customers.js';
import type { DemoData, DemoOptions } from './demo-data.types.js';
import { generateFeedback } from './feedback.js';
import { demoPrincipals } from './principals.js';
import { generatePurchases } from './purchases.js';
import { Random, UniqueIds } from './random.js';

export * from './demo-data.types.js';
export { DEMO_PRINCIPALS } from './principals.js';

export const DEMO_DEFAULTS = {
  seed: 20261128,
  customers: 600,
  feedback: 5000,
  /** A string, not a Date: a shared Date could be mutated and silently change every later run. */
  now: '2026-11-01T00:00:00Z',
} as const;

function count(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`generateDemoData: ${name} must be a non-negative integer, got ${value}.`);
  }
  return value;
}

export function generateDemoData(opts: DemoOptions = {}): DemoData {
  const seed = opts.seed ?? DEMO_DEFAULTS.seed;
  const now = opts.now ? opts.now.getTime() : Date.parse(DEMO_DEFAULTS.now);
  if (Number.isNaN(now)) throw new RangeError('generateDemoData: now is an invalid Date; pass a valid one or omit it.');
  const customerCount = count('customers', opts.customers ?? DEMO_DEFAULTS.customers);
  const feedbackCount = count('feedback', opts.feedback ?? DEMO_DEFAULTS.feedback);
  const ids = new UniqueIds();
  const drafts = generateCustomers(new Random(seed, 'customers'), ids, customerCount, now);
  const purchases = generatePurchases(new Random(seed, 'purchases'), ids, drafts);
  const consents = generateConsents(new Random(seed, 'consents'), ids, drafts);
  const feedback = generateFeedback(new Random(seed, 'feedback'), ids, drafts, purchases, feedbackCount, now);
  return { customers: drafts.map((d) => d.customer), purchases, consents, feedback, principals: demoPrincipals() };
}
