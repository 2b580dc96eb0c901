import type { EntityManager } from '@mikro-orm/postgresql';
import type { FieldCrypto } from '../data/encryption/index.js';
import type { RequestAccess } from '../request/access.js';
import type { TouchedRows } from '../data/touched-rows.js';
import { dataKeyLoader } from './decryption/data-key.loader.js';
import { consentsByCustomerLoader, customerByIdLoader, purchasesByCustomerLoader } from './customers/customer.loaders.js';
import {
  feedbackByIdLoader,
  feedbackCountByCustomerLoader,
  feedbackPageByCustomerLoader,
} from './feedback/feedback.loaders.js';

type Factories = ReturnType<typeof factories>;
export type Loaders = { readonly [K in keyof Factories]: ReturnType<Factories[K]> };

declare module '../request/context.js' {
  // The context's loaders are these (see RequestLoaders).
  interface RequestLoaders extends Loaders {}
}

function factories(em: EntityManager, access: RequestAccess, crypto: FieldCrypto, touched: TouchedRows) {
  return {
    dataKey: () => dataKeyLoader(em, crypto),
    customerById: () => customerByIdLoader(em, access, touched),
    consentsByCustomer: () => consentsByCustomerLoader(em, access, touched),
    purchasesByCustomer: () => purchasesByCustomerLoader(em, access, touched),
    feedbackById: () => feedbackByIdLoader(em, access, touched),
    feedbackPageByCustomer: () => feedbackPageByCustomerLoader(em, access, touched),
    feedbackCountByCustomer: () => feedbackCountByCustomerLoader(em, access),
  };
}

/** One loader set per request, each built on first use: a request pays only for what it touches. */
export function createLoaders(em: EntityManager, access: RequestAccess, crypto: FieldCrypto, touched: TouchedRows): Loaders {
  const make = factories(em, access, crypto, touched);
  const built: Partial<Record<keyof Factories, unknown>> = {};
  return new Proxy({} as Loaders, {
    get(_, name: string) {
      const key = name as keyof Factories;
      if (!(key in make)) return undefined;
      return (built[key] ??= make[key]());
    },
  });
}
