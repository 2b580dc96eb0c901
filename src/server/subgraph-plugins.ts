/**
 * The Apollo plugins every subgraph runs, in order. One line per concern; each plugin is a small
 * factory in its own module (audit recorder, query limits, metrics …).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { AlertOptions } from '../audit/alerts/alert-evaluator.js';
import type { PolicySet } from '../policies/index.js';
import type { ServerOps } from './ops/server-ops.js';
import { useAuditRecorder } from '../audit/audit.plugin.js';
import { checkpointKeyOf } from '../audit/checkpoint.js';
import { derivedKey } from '../crypto/derive.js';
import type { KoeContext, SubgraphName } from '../request/context.js';
import { ErrorCode } from '../request/errors.js';
import { GATEWAY_HEADER, isGatewayProof, proofKey } from './limits/counted-proof.js';
import { useInputGuard } from './input/input-guard.plugin.js';
import { useIntrospectionPolicy } from './limits/introspection.plugin.js';
import { useQueryLimits } from './limits/query-limits.plugin.js';
import { useRateLimit } from './limits/rate-limit.plugin.js';
import { subgraphRateHooks } from './limits/subgraph-rate-hooks.js';
import { recordDecisions } from './ops/decision-metrics.js';
import { errorFields, useErrorLog } from './ops/error-log.js';
import { useObserver } from './ops/observe.plugin.js';
import { opsOf } from './ops/server-ops.js';
import type { SubgraphDeps } from './subgraph-server.js';

/** The subgraph's plugins, the audit recorder among them. */
export function subgraphPlugins(name: SubgraphName, deps: SubgraphDeps): ApolloServerPlugin<KoeContext>[] {
  return pluginsAround(name, deps, auditRecorder(name, deps));
}

/**
 * Every plugin but the recorder, with `recorder` in its place. Production passes the audit
 * recorder (subgraphPlugins); only the benchmark measuring the recorder's cost passes null.
 */
export function pluginsAround(name: SubgraphName, deps: SubgraphDeps, recorder: ApolloServerPlugin<KoeContext> | null): ApolloServerPlugin<KoeContext>[] {
  const ops = opsOf(deps);
  const key = proofKey(deps.jwtSecret);
  return [
    // First: bad input is refused before any other plugin estimates, counts or records it.
    useInputGuard<KoeContext>(),
    // Traces would carry timing per field to whoever asks; Koe reports nothing to Apollo's cloud.
    ApolloServerPluginInlineTraceDisabled(),
    // Answers are never cacheable (the HTTP front says no-store), and its per-field hook wraps every resolver.
    ApolloServerPluginCacheControlDisabled(),
    ...(recorder ? [recorder] : []),
    useQueryLimits(ops.limits),
    ...(ops.limits.production
      ? [
          useIntrospectionPolicy<KoeContext>({
            rolesOf: (ctx) => ctx.principal.roles,
            fromGateway: (ctx, headers) => isGatewayProof(key, ctx.requestId, headers?.get(GATEWAY_HEADER)),
          }),
        ]
      : []),
    useRateLimit(ops.limits, ops.rateLimits, subgraphRateHooks(key)),
    useObserver<KoeContext>(recordDecisions(ops.metrics)),
    useErrorLog<KoeContext>(ops.log, name),
  ];
}

/** The alert rules of the policy the server runs, with hits logged as warnings. */
export function alertOptions(policy: PolicySet, ops: ServerOps): AlertOptions {
  return { rules: policy.audit.alerts, log: (msg, fields) => ops.log.warn(fields, msg) };
}

function auditRecorder(name: SubgraphName, deps: SubgraphDeps): ApolloServerPlugin<KoeContext> {
  const log = opsOf(deps).log;
  // The caller got AUDIT_UNAVAILABLE and no data; the operator gets the cause. A context, when the
  // recorder passes one, names the request.
  const onAppendError = (err: unknown, ctx?: Partial<Pick<KoeContext, 'requestId'>>) =>
    log.error({ requestId: ctx?.requestId, server: name, subgraph: name, code: ErrorCode.AUDIT_UNAVAILABLE, ...errorFields(err) }, 'audit write failed');
  return useAuditRecorder({
    subgraph: name,
    alerts: alertOptions(deps.policy, opsOf(deps)),
    onAppendError,
    checkpointEvery: deps.config.checkpointEvery,
    // Absent: the configured KOE_MASTER_KEY's (the CLI passes its key ring's).
    checkpointKey: deps.checkpointKey === undefined ? checkpointKeyOf(deps.config.secrets.masterKey) : deps.checkpointKey,
    // The secret the principal assertion is signed under: a call that proved the gateway holds it
    // hands its event to that gateway (src/audit/handoff.ts).
    handoffKey: derivedKey(deps.jwtSecret, 'auditHandoff'),
    // The subgraph's HTTP front awaits a direct read's commit before a byte leaves (subgraph-server.ts `settle`).
    deferCommit: true,
  });
}
