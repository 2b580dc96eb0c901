import { createHmac } from 'node:crypto';

/** `customerKey`: a keyed hash of the id, stable for BI joins and useless without the key. */
export function customerKey(pseudonymKey: string, customerId: string): string {
  return `ck_${createHmac('sha256', pseudonymKey).update(customerId).digest('hex').slice(0, 32)}`;
}
