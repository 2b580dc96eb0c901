/**
 * Purchases keep what analysis needs (id, orderedAt, category, amount) and lose what ties them
 * to a person's life (productName, store). Output objects are built from an allow-list, so a
 * field added to purchases later is dropped here until someone decides it is safe.
 */
import { REDACTED } from './redact.masker.js';

const HIDDEN = '***';

export interface MaskedPurchase {
  readonly id: unknown;
  readonly orderedAt: unknown;
  readonly productName: string | null;
  readonly category: unknown;
  readonly amount: unknown;
  readonly store: string | null;
}

function maskOne(purchase: unknown): MaskedPurchase | string | null {
  if (purchase == null) return null;
  if (typeof purchase !== 'object' || Array.isArray(purchase)) return REDACTED;
  const p = purchase as Record<string, unknown>;
  return {
    id: p['id'] ?? null,
    orderedAt: p['orderedAt'] ?? null,
    productName: p['productName'] == null ? null : HIDDEN,
    category: p['category'] ?? null,
    amount: p['amount'] ?? null,
    store: p['store'] == null ? null : HIDDEN,
  };
}

export function maskPurchase(value: unknown): unknown {
  if (value == null) return null;
  if (Array.isArray(value)) return value.map(maskOne);
  return typeof value === 'object' ? maskOne(value) : REDACTED;
}
