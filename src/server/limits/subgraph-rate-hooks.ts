/** How a subgraph feeds the rate limiter: the principal, whether the gateway counted it, PLAIN reads. */
import type { KoeContext } from '../../request/context.js';
import { plainReads } from '../ops/decision-metrics.js';
import { COUNTED_HEADER, CountedProofs } from './counted-proof.js';
import type { RateLimitHooks } from './rate-limit.plugin.js';

/** `proofKey`: the gateway's proof key (`proofKey(jwtSecret)`), never the JWT secret itself. */
export function subgraphRateHooks(proofKey: Uint8Array): RateLimitHooks<KoeContext> {
  const proofs = new CountedProofs(proofKey);
  return {
    principalId: (ctx) => ctx.principal.id,
    countsRequest: (ctx, headers) => !proofs.accept(ctx.requestId, headers?.get(COUNTED_HEADER)),
    plainReads,
    // Without the gateway's proof (another router, a direct call): once per request id across subgraphs.
    hop: (ctx) => ({ requestId: ctx.requestId, subgraph: ctx.subgraph }),
  };
}
