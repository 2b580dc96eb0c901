/**
 * The gateway: a convenience for clients, not a trust boundary. It checks credentials so a bad one
 * fails fast with 401, then forwards them unchanged; every subgraph checks them again itself.
 * It does hold the audit trail's last step: the subgraphs it calls hand their read events back
 * (src/audit/handoff.ts), and it appends them with its edge event before the response leaves.
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { KoeConfig } from '../config/index.js';
import { recordingRefusals } from '../audit/refusal-recorder.js';
import { alertSink, type AlertOptions } from '../audit/alerts/alert-evaluator.js';
import { unavailableOnDatabaseFailure } from './ops/database-failure.js';
import { authenticate } from '../auth/authenticate.js';
import { PRINCIPAL_ASSERTION_HEADER, signPrincipalAssertion } from '../auth/principal-assertion.js';
import { checkpointKeyOf, type CheckpointKey } from '../audit/checkpoint.js';
import { deferredCommit } from '../request/deferred-commit.js';
import { useEdgeAudit, type EdgeContext } from '../audit/edge-event.js';
import { HANDOFF_EXTENSION, HandoffInbox } from '../audit/handoff.js';
import { derivedKey } from '../crypto/derive.js';
import { ErrorCode } from '../request/errors.js';
import { consoleFront } from './console/serve-console.js';
import { formatErrorFor } from './format-error.js';
import { limitParseOptions } from './limits/query-limits.plugin.js';
import { settleAudit } from './audit-settle.js';
import { serveHttp, type RunningHttp } from './http.js';
import { COUNTED_HEADER, countedProof, GATEWAY_HEADER, gatewayProof, proofKey } from './limits/counted-proof.js';
import { useInputGuard } from './input/input-guard.plugin.js';
import { useIntrospectionPolicy } from './limits/introspection.plugin.js';
import { useQueryLimits } from './limits/query-limits.plugin.js';
import { useRateLimit } from './limits/rate-limit.plugin.js';
import { errorFields, httpErrorLogger, refusalAppendLogger, useErrorLog } from './ops/error-log.js';
import { useObserver } from './ops/observe.plugin.js';
import { readinessOf } from './ops/readiness.js';
import { requestObserver } from './ops/request-observer.js';
import { opsOf, type ServerOps } from './ops/server-ops.js';
import { refuseMalformedHeaders, requestMeta, type RequestMeta } from '../request/meta.js';
import { errorFromSubgraph } from './subgraph-errors.js';
import { subgraphFetcher } from './subgraph-fetcher.js';
import type { LocalCall } from './local-call.js';
import { trustedCa, type TlsMaterial } from './tls.js';
import { assertDocumentAllowed, credentialKindOf } from './documents/document-lock.js';
import { rewriteDocumentId, sentDocumentOf } from './documents/sent-document.js';
import { TrustedDocumentStore } from './documents/trusted-document-store.js';
import type { PolicySet, RoleDef } from '../policies/index.js';

interface GatewayContext extends RequestMeta, EdgeContext {
  principalId: string;
  roles: readonly string[];
}

const FORWARDED = { authorization: 'authorization', purpose: 'x-koe-purpose', requestId: 'x-request-id' } as const;

export interface GatewayDeps {
  orm: MikroORM;
  jwtSecret: Uint8Array;
  supergraphSdl: string;
  /** The settings resolved once at start-up (OIDC; limits and log level when `ops` is absent). */
  config: KoeConfig;
  ops?: ServerOps;
  /** Serve HTTPS, and call the subgraphs over HTTPS trusting `ca` (default: the certificate itself). */
  tls?: TlsMaterial | null;
  /** The alert rules run over the refusals the gateway records (repeated authentication failures …). */
  alerts: AlertOptions;
  /** The subgraphs' policy version: principal assertions name it, the edge event records it. */
  policyVersion: string;
  /** Append the edge event per client operation (false only in the benchmark measuring what auditing costs). */
  edgeAudit: boolean;
  /** The policy's roles: which principals are locked to trusted documents (src/policies/documents.ts). */
  roles: ReadonlyMap<string, Pick<RoleDef, 'documents'>>;
  /** Signs checkpoints over the events the gateway appends; absent: the configured KOE_MASTER_KEY's. */
  checkpointKey?: CheckpointKey | null;
  /** The policy the console's Explorer cuts each principal's schema by (src/server/console/console-schema.ts). */
  policy: PolicySet;
  /** Subgraphs served by this process, by URL: called without a socket (src/server/local-call.ts). */
  inProcess?: ReadonlyMap<string, LocalCall>;
}

export async function startGateway(deps: GatewayDeps, host: string, port: number): Promise<RunningHttp> {
  const ops = opsOf(deps);
  const counting = ops.limits.requestsPerMinute > 0 || ops.limits.plainReadsPerMinute > 0;
  const fetcher = subgraphFetcher(deps.tls ? trustedCa(deps.tls) : undefined, deps.inProcess);
  const key = proofKey(deps.jwtSecret);
  const auth = { jwtSecret: deps.jwtSecret, oidc: deps.config.oidc, maxTokenTtlSeconds: ops.limits.maxTokenTtlSeconds };
  const assertionKey = derivedKey(deps.jwtSecret, 'principalAssertion');
  const handoffKey = derivedKey(deps.jwtSecret, 'auditHandoff');
  const checkpointKey = deps.checkpointKey === undefined ? checkpointKeyOf(deps.config.secrets.masterKey) : deps.checkpointKey;
  const documents = new TrustedDocumentStore(deps.orm, deps.config.trustedDocumentsTtlMs);
  const lockDeps = { roles: deps.roles, store: documents, policyVersion: deps.policyVersion };
  const gateway = new ApolloGateway({
    supergraphSdl: deps.supergraphSdl,
    buildService: ({ name, url }) =>
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
          headers.set(GATEWAY_HEADER, gatewayProof(key, context.requestId));
          // Who is calling, as read once for this client request: the subgraph need not read it again.
          const bound = { requestId: context.requestId, authorization: context.authorization, policyVersion: deps.policyVersion };
          headers.set(PRINCIPAL_ASSERTION_HEADER, signPrincipalAssertion(assertionKey, context.principal, bound));
          context.calls.push(name);
          // The gateway counted this request: the subgraphs add its PLAIN reads but not the request.
          if (counting) headers.set(COUNTED_HEADER, countedProof(key, context.requestId));
        },
        // The subgraph's read event, handed back for the edge transaction: checked, and never shown to the client.
        didReceiveResponse({ response, context }) {
          if (!response.extensions || !(HANDOFF_EXTENSION in response.extensions)) return response;
          const { [HANDOFF_EXTENSION]: _, ...rest } = response.extensions;
          context.handoffs.take(name, response.extensions);
          return { ...response, extensions: rest };
        },
      }),
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: formatErrorFor(ops.limits),
    parseOptions: limitParseOptions(ops.limits),
    includeStacktraceInErrorResponses: false,
    // Requests by hash run published trusted documents only; Apollo's automatic persisted queries
    // (a client registering its own text under a hash) never write to it (trusted-document-store.ts).
    persistedQueries: { cache: documents.asPersistedQueryCache() },
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
      // After the last subgraph answered, before a byte leaves: the synchronous commit that makes
      // this request's subgraph events durable (src/audit/edge-event.ts).
      ...(!deps.edgeAudit ? [] : [useEdgeAudit<GatewayContext>({
        em: deps.orm.em.fork(), policyVersion: deps.policyVersion, onAppendError: edgeAppendLogger(ops),
        alerts: deps.alerts, checkpointEvery: deps.config.checkpointEvery, checkpointKey, deferCommit: true,
      })]),
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
    rewrite: rewriteDocumentId,
    // The edge event's commit (deferCommit above) overlapped Apollo's serialisation; no byte leaves before it.
    settle: settleAudit,
    readiness: readinessOf(deps.orm, () => true),
    onResponse: requestObserver('gateway', ops.log, ops.metrics),
    onError: httpErrorLogger('gateway', ops.log),
    front: consoleFront({
      orm: deps.orm, jwtSecret: deps.jwtSecret, auth, secure: !!deps.tls, policyVersion: deps.policyVersion,
      sso: deps.config.sso, rateLimits: ops.rateLimits, signInFailuresPerMinute: ops.limits.signInFailuresPerMinute, policy: deps.policy,
    }),
    // A credential the gateway refuses never reaches a subgraph: the refusal is audited here. As on
    // the subgraphs, a database outage is marked first so the answer is 503 SERVICE_UNAVAILABLE.
    context: recordingRefusals(deps.orm, 'gateway', unavailableOnDatabaseFailure(async (req) => {
      refuseMalformedHeaders(req);
      const meta = requestMeta(req);
      const principal = await authenticate(meta.authorization, deps.orm.em.fork(), auth);
      // Before Apollo parses anything: a principal locked to trusted documents sends hashes only.
      await assertDocumentAllowed(lockDeps, principal, credentialKindOf(meta.authorization), sentDocumentOf(req));
      return { ...meta, principal, principalId: principal.id, roles: principal.roles, calls: [], handoffs: new HandoffInbox(handoffKey, meta.requestId), auditCommit: deferredCommit() };
    }), { alerts: alertSink(deps.alerts), onAppendError: refusalAppendLogger('gateway', ops.log) }),
  });
  return { ...running, close: async () => (await running.close(), await apollo.stop()) };
}

/** The client got AUDIT_UNAVAILABLE and no data; the operator gets the cause. */
function edgeAppendLogger(ops: ServerOps): (err: unknown, ctx: GatewayContext) => void {
  return (err, ctx) => ops.log.error({ requestId: ctx.requestId, server: 'gateway', code: ErrorCode.AUDIT_UNAVAILABLE, ...errorFields(err) }, 'audit write failed');
}
