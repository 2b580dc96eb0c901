/**
 * Consent records: one row per purpose a customer granted, so customers differ in what they
 * allow. Rates follow a typical Japanese retailer: support almost always, marketing for fewer
 * than half and sometimes withdrawn, transfer abroad rarely.
 */
import type { CustomerDraft } from './customers.js';
import type { ConsentPurpose, DemoConsent } from './demo-data.types.js';
import { WeightedTable, type Random, type UniqueIds } from './random.js';
import { DAY, instantBetween } from './time.js';

const GRANT_RATES: ReadonlyArray<readonly [ConsentPurpose, number]> = [
  ['support', 0.97],
  ['analytics', 0.7],
  ['marketing', 0.4],
  ['transfer_abroad', 0.1],
  ['third_party', 0.2],
];
const MARKETING_WITHDRAWAL_RATE = 0.15;

type Source = DemoConsent['source'];
const ONLINE_SOURCES = new WeightedTable<Source>([['web_form', 55], ['app', 45]]);
const STORE_SOURCES = new WeightedTable<Source>([['web_form', 30], ['store', 35], ['app', 25], ['call_center', 10]]);

export function generateConsents(rng: Random, ids: UniqueIds, drafts: readonly CustomerDraft[]): DemoConsent[] {
  const out: DemoConsent[] = [];
  for (const { customer } of drafts) {
    const created = customer.createdAt.getTime();
    const last = customer.lastActivityAt.getTime();
    const sources = customer.teamId === 'team-online' ? ONLINE_SOURCES : STORE_SOURCES;
    for (const [purpose, rate] of GRANT_RATES) {
      if (!rng.chance(rate)) continue;
      // Most consents are given on the sign-up form; some later, from a campaign or a settings page.
      const grantedAt = instantBetween(rng, created, rng.chance(0.8) ? Math.min(created + 600_000, last) : last);
      const withdrawn = purpose === 'marketing' && rng.chance(MARKETING_WITHDRAWAL_RATE);
      out.push({
        id: ids.next(rng),
        customerId: customer.id,
        purpose,
        grantedAt: new Date(grantedAt),
        // Never after lastActivityAt: a withdrawal is activity, and retention relies on that date.
        withdrawnAt: withdrawn ? new Date(instantBetween(rng, grantedAt + Math.min(DAY, (last - grantedAt) / 2), last)) : null,
        source: sources.draw(rng),
      });
    }
  }
  return out;
}
