/**
 * Per-principal rate limit: requests and PLAIN reads per minute, counted in Postgres. Checked once
 * the operation is resolved (nothing has executed); PLAIN reads are added after execution from the
 * request's decisions, so the request that crosses the line completes and the next one is refused.
 */
import type { ApolloServerPlugin, BaseContext, HeaderMap } from '@apollo/server';
import { RateLimitedError } from './errors.js';
import type { Hop, RateLimitStore } from './rate-limit.store.js';
import type { LimitSettings } from './settings.js';

export interface RateLimitHooks<C> {
  principalId(ctx: C): string | undefined;
  /** False when the gateway already counted this request (a valid proof came with it). */
  countsRequest(ctx: C, headers: HeaderMap | undefined): boolean;
  /** PLAIN decisions made while executing (0 at the gateway: the subgraphs count them). */
  plainReads(ctx: C): number;
  /** On a subgraph: this call as one hop of a client request, counted once per request id (rate-limit.store.ts). */
  hop?(ctx: C): Hop;
}

export function useRateLimit<C extends BaseContext>(limits: LimitSettings, store: RateLimitStore, hooks: RateLimitHooks<C>): ApolloServerPlugin<C> {
  const { requestsPerMinute: maxRequests, plainReadsPerMinute: maxPlain } = limits;
  if (!maxRequests && !maxPlain) return {};
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, request }) {
          const id = hooks.principalId(contextValue);
          if (!id) return;
          const counts = hooks.countsRequest(contextValue, request.http?.headers);
          const hop = counts ? hooks.hop?.(contextValue) : undefined;
          const t = hop ? await store.addHop(id, hop) : await store.add(id, counts ? 1 : 0, 0);
          if (maxRequests && t.requests > maxRequests) throw new RateLimitedError('requests', maxRequests, t.retryAfter);
          if (maxPlain && t.plainReads > maxPlain) throw new RateLimitedError('PLAIN reads', maxPlain, t.retryAfter);
          if (Math.random() < 0.001) void store.prune().catch(() => {});
        },
        async willSendResponse({ contextValue }) {
          const id = hooks.principalId(contextValue);
          const plain = id ? hooks.plainReads(contextValue) : 0;
          if (id && plain > 0 && maxPlain) await store.add(id, 0, plain);
        },
      };
    },
  };
}
