/**
 * Zero to eight purchases per customer, inside the customer's active period. Online-team customers
 * buy online; others mostly in a store of their region.
 */
import { ONLINE_STORES, PRODUCTS, STORES, type Product } from './catalog.js';
import type { CustomerDraft } from './customers.js';
import type { DemoPurchase } from './demo-data.types.js';
import { WeightedTable, type Random, type UniqueIds } from './random.js';
import { instantBetween } from './time.js';

const PURCHASE_COUNT = new WeightedTable<number>([
  [0, 10], [1, 18], [2, 18], [3, 15], [4, 12], [5, 10], [6, 7], [7, 5], [8, 5],
]);
const MULTI_BUY = new Set(['食品', '日用品']);

/** Retail prices end in 80 (3,980 円); bulk categories are often bought two or three at a time. */
function amountFor(rng: Random, product: Product): number {
  const [lo, hi] = product.price;
  const unit = Math.max(lo, Math.floor(rng.int(lo, hi) / 100) * 100 - 20);
  const quantity = MULTI_BUY.has(product.category) ? rng.int(1, 3) : 1;
  return unit * quantity;
}

function storeFor(rng: Random, draft: CustomerDraft): string {
  if (draft.customer.teamId === 'team-online' || rng.chance(0.2)) return rng.pick(ONLINE_STORES);
  return rng.pick(STORES[draft.home.region]);
}

export function generatePurchases(rng: Random, ids: UniqueIds, drafts: readonly CustomerDraft[]): DemoPurchase[] {
  const out: DemoPurchase[] = [];
  for (const draft of drafts) {
    const { customer } = draft;
    const from = customer.createdAt.getTime();
    const to = customer.lastActivityAt.getTime();
    const times = Array.from({ length: PURCHASE_COUNT.draw(rng) }, () => instantBetween(rng, from, to)).sort((a, b) => a - b);
    for (const t of times) {
      const product = rng.pick(PRODUCTS);
      out.push({
        id: ids.next(rng),
        customerId: customer.id,
        orderedAt: new Date(t),
        productName: product.name,
        category: product.category,
        amount: amountFor(rng, product),
        store: storeFor(rng, draft),
      });
    }
  }
  return out;
}
