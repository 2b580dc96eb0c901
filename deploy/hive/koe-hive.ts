/**
 * Koe's subgraphs behind Hive Gateway (`@graphql-hive/gateway` 2.15): the settings that keep what
 * Koe promises when Koe's own gateway is not in front. `gateway.config.ts` feeds it the
 * environment for the `hive-gateway` CLI; the interop tests (test/e2e/router-hive.test.ts) pass the
 * same options to `createGatewayRuntime`, so what is tested is what ships.
 *
 * - Identical in-flight subgraph calls are never merged: one merged call is one audited execution
 *   whose answer reaches several clients, and only one of them appears in the trail.
 * - `Authorization`, `X-Koe-Purpose` and the request id reach every subgraph (each authenticates
 *   and decides by itself); the request id is the client's or one Hive makes per client request.
 * - Introspection is refused, bearer tokens are checked here first (the subgraphs check them again),
 *   answers are `Cache-Control: no-store`, a subgraph's `Retry-After` reaches the client, and
 *   Koe's refusals keep their HTTP status (see `useKoeStatuses`).
 * - Demand control prices an operation as Koe does (every field 1, paged fields times `first` by the
 *   schema's `@listSize`), with `_entities` priced at a full page of keys per call.
 */
import type { GatewayConfigSupergraph, GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createInlineSigningKeyProvider, createRemoteJwksSigningKeyProvider, extractFromHeader, useJWT } from '@graphql-mesh/plugin-jwt-auth';
import type { HTTPTransportOptions } from '@graphql-mesh/transport-http';

export interface KoeHiveOptions {
  /** The supergraph `koe supergraph` prints: SDL, or a path to it. */
  supergraph: string;
  /** KOE_JWT_SECRET (HS256), as Koe's servers read it; or the OIDC provider's JWKS with issuer and audience. */
  jwt: { secret: string } | { jwksUrl: string; issuer: string; audience: string };
  /** KOE_MAX_COST (5000 by default): the most an operation may cost. */
  maxCost: number;
  /** KOE_MAX_PAGE_SIZE (100): the most representations Koe lets one `_entities` call send per type. */
  maxPageSize: number;
}

/** The headers every subgraph call carries from the client request. */
export const FORWARDED_HEADERS = ['authorization', 'x-koe-purpose', 'x-request-id'] as const;

/** Koe's refusal codes and the HTTP status Koe's own servers answer them with. */
const STATUS_OF: Record<string, number> = {
  UNAUTHENTICATED: 401,
  BAD_USER_INPUT: 400,
  QUERY_TOO_COMPLEX: 400,
  COST_ESTIMATED_TOO_EXPENSIVE: 400,
  RATE_LIMITED: 429,
  AUDIT_UNAVAILABLE: 503,
  SERVICE_UNAVAILABLE: 503,
};

export function koeHiveConfig(opts: KoeHiveOptions): GatewayConfigSupergraph {
  return {
    supergraph: opts.supergraph,
    transportEntries: {
      '*.http': { options: { deduplicateInflightRequests: false } satisfies HTTPTransportOptions },
    },
    // Hive's own, off by default in 2.15: stated so a change of default cannot turn it on.
    inboundInflightRequestDeduplication: false,
    requestId: true,
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => Object.fromEntries(FORWARDED_HEADERS.map((h) => [h, request.headers.get(h)])),
      fromSubgraphsToClient: ({ response }) => ({ 'retry-after': response.headers.get('retry-after') }),
      deduplicateHeaders: true,
    },
    disableIntrospection: { disableIf: () => true },
    landingPage: false,
    graphiql: false,
    demandControl: {
      maxCost: opts.maxCost,
      // Koe counts every field, scalars included; a list without `@listSize` is `_entities`.
      typeCost: () => 1,
      listSize: opts.maxPageSize,
      includeExtensionMetadata: false,
    },
    plugins: () => [useJWT(jwtOptions(opts.jwt)) as GatewayPlugin, useKoeStatuses()],
  };
}

function jwtOptions(jwt: KoeHiveOptions['jwt']): Parameters<typeof useJWT>[0] {
  const common = {
    tokenLookupLocations: [extractFromHeader({ name: 'authorization', prefix: 'Bearer' })] as [ReturnType<typeof extractFromHeader>],
    reject: { missingToken: true, invalidToken: true },
    // The subgraphs read the token themselves; nothing of it is added to the subgraph calls.
    forward: { payload: false, token: false },
  };
  if ('secret' in jwt) {
    return { ...common, signingKeyProviders: [createInlineSigningKeyProvider(jwt.secret)], tokenVerification: { algorithms: ['HS256'], maxAge: '24h' } };
  }
  return {
    ...common,
    signingKeyProviders: [createRemoteJwksSigningKeyProvider({ jwksUri: jwt.jwksUrl })],
    tokenVerification: { algorithms: ['RS256', 'ES256'], issuer: jwt.issuer, audience: jwt.audience, maxAge: '24h' },
  };
}

/**
 * Answers with no data keep the status Koe's own servers give them (401, 400, 429, 503) instead of
 * Hive's 200, with `Retry-After` for a rate limit; and no answer is cacheable.
 */
export function useKoeStatuses(): GatewayPlugin {
  return {
    onExecutionResult({ result, setResult }) {
      if (!result || Symbol.asyncIterator in result) return;
      const status = refusalStatus(result);
      if (!status) return;
      const retryAfter = result.errors?.map((e) => e.extensions?.['retryAfter']).find((v) => typeof v === 'number');
      const headers = retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
      setResult({ ...result, extensions: { ...result.extensions, http: { status, headers } } });
    },
    onResponse({ response }) {
      response.headers.set('cache-control', 'no-store');
    },
  };
}

function refusalStatus(result: { data?: unknown; errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }): number | null {
  // Partial answers (a DENIED field among data) stay 200, as from Koe's gateway.
  const empty = result.data === null || result.data === undefined || Object.values(result.data as object).every((v) => v === null);
  if (!empty) return null;
  let status: number | null = null;
  for (const e of result.errors ?? []) {
    const s = STATUS_OF[String(e.extensions?.['code'])];
    if (s !== undefined && (status === null || s > status)) status = s;
  }
  return status;
}
