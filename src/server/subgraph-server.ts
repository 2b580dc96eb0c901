/** One subgraph: its own Apollo Server that authenticates and enforces by itself. */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { CheckpointKey } from '../audit/checkpoint.js';
import type { KoeConfig } from '../config/index.js';
import { authenticate } from '../auth/authenticate.js';
import { assertedPrincipal } from '../auth/asserted-principal.js';
import { recordingRefusals } from '../audit/refusal-recorder.js';
import type { AuthenticatedPrincipal } from '../request/principal.js';
import type { FieldCrypto } from '../data/encryption/index.js';
import type { RequestAccess } from '../request/access.js';
import type { KoeContext, SubgraphName } from '../request/context.js';
import { DecisionCounter } from '../request/decision-counter.js';
import { createLoaders } from '../resolvers/loaders.js';
import { TouchedRows } from '../data/touched-rows.js';
import { customerKey } from '../data/pseudonym.js';
import { Cursors } from '../request/cursors.js';
import { subgraphSchema } from './subgraphs.js';
import { DEFAULT_EXECUTOR, executionOf, type ExecutorName } from './jit-executor.js';
import { formatErrorFor } from './format-error.js';
import { accessFromPolicy } from './policy.js';
import { limitParseOptions } from './limits/query-limits.plugin.js';
import { unavailableOnDatabaseFailure } from './ops/database-failure.js';
import { readinessOf } from './ops/readiness.js';
import { requestObserver } from './ops/request-observer.js';
import { httpErrorLogger, refusalAppendLogger } from './ops/error-log.js';
import { opsOf, type ServerOps } from './ops/server-ops.js';
import { alertOptions, subgraphPlugins } from './subgraph-plugins.js';
import { alertSink } from '../audit/alerts/alert-evaluator.js';
import { stringifyOrHandOver } from './handover.js';
import { serveHttp, type RunningHttp } from './http.js';
import { refuseMalformedHeaders, requestMeta, type RequestHead } from '../request/meta.js';
import type { TlsMaterial } from './tls.js';
import { documentLockOf, type PolicySet } from '../policies/index.js';
import { PrincipalRefusedError } from '../request/errors.js';
import { credentialKindOf } from './documents/document-lock.js';
import { deferredCommit } from '../request/deferred-commit.js';
import { settleAudit } from './audit-settle.js';

export interface SubgraphDeps {
  orm: MikroORM;
  jwtSecret: Uint8Array;
  pseudonymKey: string;
  /** Field encryption (keys checked against the database at start-up). */
  crypto: FieldCrypto;
  /** The loaded policy files: every request's decisions, and the audit recorder's alert rules. */
  policy: PolicySet;
  /**
   * The policy's view of one request (throws BAD_USER_INPUT for an undeclared purpose); default:
   * `accessFromPolicy(policy)`. Benchmarks (enforcement off) and fault tests replace it.
   */
  accessFor?: (principal: AuthenticatedPrincipal, purpose: string | null) => RequestAccess;
  /** The settings resolved once at start-up (OIDC, audit checkpoints; limits and log level when `ops` is absent). */
  config: KoeConfig;
  /** Limits, logger, metrics; built from `config` when absent. */
  ops?: ServerOps;
  /** Serve HTTPS only (certificate and key); absent or null: plain HTTP. */
  tls?: TlsMaterial | null;
  /** Signs audit checkpoints (the CLI passes its key ring's); absent: from the configured KOE_MASTER_KEY, if set. */
  checkpointKey?: CheckpointKey | null;
  /** How operations execute (tests and benches); default: the configured `KOE_EXECUTOR`, else the measured default. */
  executor?: ExecutorName;
}

/** What a subgraph serves and runs: production's is ENFORCED; only bench/ builds another. */
export interface SubgraphAssembly {
  schema(name: SubgraphName): Promise<GraphQLSchema>;
  plugins(name: SubgraphName, deps: SubgraphDeps): ApolloServerPlugin<KoeContext>[];
  /** Whether the gateway in front appends its edge event per client operation. */
  edgeAudit: boolean;
}

export const ENFORCED: SubgraphAssembly = { schema: subgraphSchema, plugins: subgraphPlugins, edgeAudit: true };

export async function startSubgraph(name: SubgraphName, deps: SubgraphDeps, host: string, port: number, assembly: SubgraphAssembly = ENFORCED): Promise<RunningHttp> {
  const ops = opsOf(deps);
  const apollo = new ApolloServer<KoeContext>({
    ...executionOf(await assembly.schema(name), deps.executor ?? deps.config.executor ?? DEFAULT_EXECUTOR),
    formatError: formatErrorFor(ops.limits),
    parseOptions: limitParseOptions(ops.limits),
    includeStacktraceInErrorResponses: false,
    // Apollo would refuse introspection to everyone under NODE_ENV=production; who may introspect
    // is decided by useIntrospectionPolicy (admins), so Apollo's switch stays on.
    introspection: true,
    // The process owner (the CLI) decides how to stop on a signal: Apollo must not re-raise it.
    stopOnTerminationSignals: false,
    plugins: assembly.plugins(name, deps),
    // The gateway of this process gets the answer as an object, the same as it would parse (handover.ts).
    stringifyResult: stringifyOrHandOver,
  });
  await apollo.start();
  const running = await serveHttp(apollo, {
    host,
    port,
    maxBodyBytes: ops.limits.maxBodyBytes,
    shutdownGraceMs: ops.shutdownGraceMs,
    tls: deps.tls ?? null,
    readiness: readinessOf(deps.orm, () => deps.policy !== undefined),
    onResponse: requestObserver(name, ops.log, ops.metrics),
    onError: httpErrorLogger(name, ops.log),
    // A direct read's audit commit overlapped Apollo's serialisation; no byte leaves before it.
    settle: settleAudit,
    // Innermost: a database outage is marked before the refusal recorder (which cannot write either)
    // turns it into AUDIT_UNAVAILABLE; the HTTP front then answers 503 SERVICE_UNAVAILABLE.
    context: recordingRefusals(deps.orm, name, unavailableOnDatabaseFailure(requestContext(name, deps)), {
      alerts: alertSink(alertOptions(deps.policy, ops)),
      onAppendError: refusalAppendLogger(name, ops.log),
    }),
  });
  return { ...running, close: async () => (await running.close(), await apollo.stop()) };
}

function refuseLockedDirectCall(policy: PolicySet, principal: AuthenticatedPrincipal, authorization: string | undefined): void {
  const lock = documentLockOf(policy.roles, principal.roles, credentialKindOf(authorization));
  if (!lock) return;
  throw new PrincipalRefusedError('Trusted documents only: this principal may run only published documents, sent by hash to the gateway, not operation text to a subgraph', principal, policy.version, { trustedDocumentsOnly: true });
}

/**
 * One request's context: the caller authenticated (from the gateway's principal assertion when it
 * is valid for this call, else against the database), its policy view, fresh loaders.
 */
export function requestContext(name: SubgraphName, deps: Pick<SubgraphDeps, 'orm' | 'jwtSecret' | 'pseudonymKey' | 'policy' | 'accessFor' | 'crypto' | 'ops' | 'config'>): (req: RequestHead) => Promise<KoeContext> {
  const pseudonym = (id: string) => customerKey(deps.pseudonymKey, id);
  const maskContext = { pseudonymKey: deps.pseudonymKey };
  const auth = { jwtSecret: deps.jwtSecret, oidc: deps.config.oidc, maxTokenTtlSeconds: opsOf(deps).limits.maxTokenTtlSeconds };
  const cursors = new Cursors(deps.jwtSecret);
  const accessFor = deps.accessFor ?? accessFromPolicy(deps.policy);
  const asserted = assertedPrincipal(deps.jwtSecret, deps.policy.version);
  return async (req) => {
    refuseMalformedHeaders(req);
    const meta = requestMeta(req);
    const em = deps.orm.em.fork();
    const touched = new TouchedRows();
    const fromGateway = asserted(req, meta);
    const principal = fromGateway ?? (await authenticate(meta.authorization, em, auth));
    // Trusted documents are served at the gateway only: a locked principal calling directly is refused.
    if (!fromGateway) refuseLockedDirectCall(deps.policy, principal, meta.authorization);
    const access = accessFor(principal, meta.purpose);
    return {
      requestId: meta.requestId,
      subgraph: name,
      principal,
      purpose: meta.purpose,
      clientAddress: meta.clientAddress,
      em,
      access,
      loaders: createLoaders(em, access, deps.crypto, touched),
      touched,
      pseudonym,
      maskContext,
      decisions: new DecisionCounter(),
      crypto: deps.crypto,
      cursors,
      edgeAudited: fromGateway !== null,
      allColumns: deps.config.readColumns === 'all',
      auditCommit: deferredCommit(),
    };
  };
}
