/**
 * The gateway: a convenience for clients, not a trust boundary. It checks credentials so a bad one
 * fails fast with 401, then forwards them unchanged; every subgraph checks them again itself.
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { MikroORM } from '@mikro-orm/postgresql';
import { recordingRefusals } from '../audit/refusal-recorder.js';
import { alertSink, type AlertOptions } from '../audit/alerts/alert-evaluator.js';
import { unavailableOnDatabaseFailure } from './ops/database-failure.js';
import { authenticate } from '../auth/authenticate.js';
import { consoleFront } from './console/serve-console.js';
import { formatErrorFor } from './format-error.js';
import { limitParseOptions } from './limits/query-limits.plugin.js';
import { serveHttp, type RunningHttp } from './http.js';
import { COUNTED_HEADER, countedProof, GATEWAY_HEADER, gatewayProof } from './limits/counted-proof.js';
import { useInputGuard } from './input/input-guard.plugin.js';
import { useIntrospectionPolicy } from './limits/introspection.plugin.js';
import { useQueryLimits } from './limits/query-limits.plugin.js';
import { useRateLimit } from './limits/rate-limit.plugin.js';
import { httpErrorLogger, refusalAppendLogger, useErrorLog } from './ops/error-log.js';
import { useObserver } from './ops/observe.plugin.js';
import { readinessOf } from './ops/readiness.js';
import { requestObserver } from './ops/request-observer.js';
import { opsOf, type ServerOps } from './ops/server-ops.js';
import { refuseMalformedHeaders, requestMeta, type RequestMeta } from '../request/meta.js';
import { errorFromSubgraph } from './subgraph-errors.js';
import { subgraphFetcher } from './subgraph-fetcher.js';
import { trustedCa, type TlsMaterial } from './tls.js';

interface GatewayContext extends RequestMeta {
  principalId: string;
  roles: readonly string[];
}

const FORWARDED = { authorization: 'authorization', purpose: 'x-koe-purpose', requestId: 'x-request-id' } as const;

export interface GatewayDeps {
  orm: MikroORM;
  jwtSecret: Uint8Array;
  supergraphSdl: string;
  ops?: ServerOps;
  /** Serve HTTPS, and call the subgraphs over HTTPS trusting `ca` (default: the certificate itself). */
  tls?: TlsMaterial | null;
  /** The alert rules run over the refusals the gateway records (repeated authentication failures …). */
  alerts: AlertOptions;
  /** The loaded policy's version, for the console's sign-in events. */
  policyVersion?: string;
}

export async function startGateway(deps: GatewayDeps, host: string, port: number): Promise<RunningHttp> {
  const ops = opsOf(deps);
  const counting = ops.limits.requestsPerMinute > 0 || ops.limits.plainReadsPerMinute > 0;
  const fetcher = subgraphFetcher(deps.tls ? trustedCa(deps.tls) : undefined);
  const gateway = new ApolloGateway({
    supergraphSdl: deps.supergraphSdl,
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<GatewayContext>({
        url,
        fetcher,
        errorFromResponse: errorFromSubgraph,
        willSendRequest({ request, context }) {
          const headers = request.http?.headers;
          if (!headers || !context.requestId) return;
          if (context.authorization) headers.set(FORWARDED.authorization, context.authorization);
          if (context.purpose) headers.set(FORWARDED.purpose, context.purpose);
          headers.set(FORWARDED.requestId, context.requestId);
          headers.set(GATEWAY_HEADER, gatewayProof(deps.jwtSecret, context.requestId));
          // The gateway counted this request: the subgraphs add its PLAIN reads but not the request.
          if (counting) headers.set(COUNTED_HEADER, countedProof(deps.jwtSecret, context.requestId));
        },
      }),
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: formatErrorFor(ops.limits),
    parseOptions: limitParseOptions(ops.limits),
    includeStacktraceInErrorResponses: false,
    // Under NODE_ENV=production Apollo would refuse introspection to admins too: the policy plugin decides.
    introspection: true,
    // The process owner (the CLI) decides how to stop on a signal: Apollo must not re-raise it.
    stopOnTerminationSignals: false,
    plugins: [
      // First: bad input is refused before the limits estimate it or the executor plans it.
      useInputGuard<GatewayContext>(),
      // Answers are per principal: the HTTP front sends no-store, and no hints are merged.
      ApolloServerPluginCacheControlDisabled(),
      useQueryLimits(ops.limits),
      ...(ops.limits.production ? [useIntrospectionPolicy<GatewayContext>({ rolesOf: (ctx) => ctx.roles })] : []),
      useRateLimit<GatewayContext>(ops.limits, ops.rateLimits, { principalId: (c) => c.principalId, countsRequest: () => true, plainReads: () => 0 }),
      useObserver<GatewayContext>(),
      useErrorLog<GatewayContext>(ops.log, 'gateway'),
    ],
  });
  await apollo.start();
  const running = await serveHttp(apollo, {
    host,
    port,
    maxBodyBytes: ops.limits.maxBodyBytes,
    shutdownGraceMs: ops.shutdownGraceMs,
    tls: deps.tls ?? null,
    readiness: readinessOf(deps.orm, () => true),
    onResponse: requestObserver('gateway', ops.log, ops.metrics),
    onError: httpErrorLogger('gateway', ops.log),
    front: consoleFront({ orm: deps.orm, jwtSecret: deps.jwtSecret, maxTokenTtlSeconds: ops.limits.maxTokenTtlSeconds, secure: !!deps.tls, policyVersion: deps.policyVersion ?? 'unknown' }),
    // A credential the gateway refuses never reaches a subgraph: the refusal is audited here. As on
    // the subgraphs, a database outage is marked first so the answer is 503 SERVICE_UNAVAILABLE.
    context: recordingRefusals(deps.orm, 'gateway', unavailableOnDatabaseFailure(async (req) => {
      refuseMalformedHeaders(req);
      const meta = requestMeta(req);
      const principal = await authenticate(meta.authorization, deps.orm.em.fork(), { jwtSecret: deps.jwtSecret, maxTokenTtlSeconds: ops.limits.maxTokenTtlSeconds });
      return { ...meta, principalId: principal.id, roles: principal.roles };
    }), { alerts: alertSink(deps.alerts), onAppendError: refusalAppendLogger('gateway', ops.log) }),
  });
  return { ...running, close: async () => (await running.close(), await apollo.stop()) };
}
