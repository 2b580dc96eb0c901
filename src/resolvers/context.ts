import type { EntityManager } from '@mikro-orm/postgresql';
import type { FieldCrypto } from '../data/crypto/index.js';
import type { AuthenticatedPrincipal } from '../auth/principal.js';
import type { RequestAccess } from './access.js';
import type { MaskContext } from '../policies/maskers/index.js';
import type { DecisionCounter } from './guard/decision-counter.js';
import type { Loaders } from './loaders.js';
import type { Cursors } from './pagination.js';

export type SubgraphName = 'customers' | 'feedback' | 'audit';

/** Everything one request's resolvers may use; built fresh per request, never shared. */
export interface KoeContext {
  readonly requestId: string;
  readonly subgraph: SubgraphName;
  readonly principal: AuthenticatedPrincipal;
  readonly purpose: string | null;
  readonly clientAddress: string | null;
  readonly em: EntityManager;
  readonly access: RequestAccess;
  readonly loaders: Loaders;
  /** The `customerKey` pseudonym for a customer id (keyed; the key never reaches resolvers). */
  pseudonym(customerId: string): string;
  /** Keys the maskers need (the `hash` pseudonym). */
  readonly maskContext: MaskContext;
  readonly decisions: DecisionCounter;
  /** Field encryption: data keys, opening and sealing values, blind indexes. */
  readonly crypto: FieldCrypto;
  /** Signs the cursors this subgraph hands out and checks the ones it is given back. */
  readonly cursors: Cursors;
}
