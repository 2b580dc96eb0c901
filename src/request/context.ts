import type { EntityManager } from '@mikro-orm/postgresql';
import type { FieldCrypto } from '../data/encryption/index.js';
import type { TouchedRows } from '../data/touched-rows.js';
import type { AuthenticatedPrincipal } from './principal.js';
import type { RequestAccess } from './access.js';
import type { MaskContext } from '../policies/maskers/index.js';
import type { DecisionCounter } from './decision-counter.js';
import type { Cursors } from './cursors.js';
import type { DeferredCommit } from './deferred-commit.js';

export type SubgraphName = 'customers' | 'feedback' | 'audit';

/** Every subgraph, in the order a platform starts them. */
export const SUBGRAPH_NAMES: readonly SubgraphName[] = ['customers', 'feedback', 'audit'];

/**
 * The request's DataLoaders. Declared empty here and filled in by `src/resolvers/loaders.ts`
 * (module augmentation), so this module knows the context's shape without importing resolvers.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RequestLoaders {}

/** Everything one request's resolvers may use; built fresh per request, never shared. */
export interface KoeContext {
  readonly requestId: string;
  readonly subgraph: SubgraphName;
  readonly principal: AuthenticatedPrincipal;
  readonly purpose: string | null;
  readonly clientAddress: string | null;
  readonly em: EntityManager;
  readonly access: RequestAccess;
  readonly loaders: RequestLoaders;
  /** The records this request read; its audit event names them. */
  readonly touched: TouchedRows;
  /** The `customerKey` pseudonym for a customer id (keyed; the key never reaches resolvers). */
  pseudonym(customerId: string): string;
  /** Keys the maskers need (the `hash` pseudonym). */
  readonly maskContext: MaskContext;
  readonly decisions: DecisionCounter;
  /** Field encryption: data keys, opening and sealing values, blind indexes. */
  readonly crypto: FieldCrypto;
  /** Signs the cursors this subgraph hands out and checks the ones it is given back. */
  readonly cursors: Cursors;
  /**
   * The gateway's principal assertion for this call was valid: the principal was not read here, and
   * the gateway's edge event (committed synchronously before the client sees a byte) makes a read's
   * event durable, so it may commit without waiting for the flush. Absent or false: a direct call.
   */
  readonly edgeAudited?: boolean;
  /** Read paths select every column (`KOE_READ_COLUMNS=all`) instead of those the operation uses. */
  readonly allColumns?: boolean;
  /** Where a read's audit commit waits for the HTTP front (src/request/deferred-commit.ts); absent: the recorder awaits it. */
  readonly auditCommit?: DeferredCommit;
}
