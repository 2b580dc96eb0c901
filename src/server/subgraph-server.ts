/** One subgraph: its own Apollo Server that authenticates and enforces by itself. */
import { ApolloServer } from '@apollo/server';
import type { IncomingMessage } from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { CheckpointKey } from '../audit/checkpoint.js';
import { authenticate } from '../auth/authenticate.js';
import { recordingRefusals } from '../audit/refusal-recorder.js';
import type { AuthenticatedPrincipal } from '../request/principal.js';
import type { FieldCrypto } from '../data/crypto/index.js';
import type { RequestAccess } from '../request/access.js';
import type { KoeContext, SubgraphName } from '../request/context.js';
import { DecisionCounter } from '../request/decision-counter.js';
import { createLoaders } from '../resolvers/loaders.js';
import { customerKey } from '../data/pseudonym.js';
import { Cursors } from '../request/cursors.js';
import { subgraphSchema } from './subgraphs.js';
import { executionOf, executorFromEnv, type ExecutorName } from './jit-executor.js';
import { formatErrorFor } from './format-error.js';
import { accessFromPolicy } from './policy.js';
import { limitParseOptions } from './limits/query-limits.plugin.js';
import { markingDatabaseFailure } from './ops/database-failure.js';
import { readinessOf } from './ops/readiness.js';
import { requestObserver } from './ops/request-observer.js';
import { httpErrorLogger, refusalAppendLogger } from './ops/error-log.js';
import { opsOf, type ServerOps } from './ops/server-ops.js';
import { subgraphPlugins } from './subgraph-plugins.js';
import { serveHttp, type RunningHttp } from './http.js';
import { refuseMalformedHeaders, requestMeta } from '../request/meta.js';
import type { TlsMaterial } from './tls.js';
import type { PolicySet } from '../policies/index.js';

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
  /** Benchmarks only: serve the schema without the `@pii` field guard. */
  unguarded?: boolean;
  /** Limits, logger, metrics; defaults (environment) when absent. */
  ops?: ServerOps;
  /** Serve HTTPS only (certificate and key); absent or null: plain HTTP. */
  tls?: TlsMaterial | null;
  /** Signs audit checkpoints (the CLI passes its key ring's); absent: from KOE_MASTER_KEY, if set. */
  checkpointKey?: CheckpointKey | null;
  /** How operations execute; default: `KOE_EXECUTOR`, else the measured default (src/server/jit-executor.ts). */
  executor?: ExecutorName;
}

export async function startSubgraph(name: SubgraphName, deps: SubgraphDeps, host: string, port: number): Promise<RunningHttp> {
  const ops = opsOf(deps);
  const apollo = new ApolloServer<KoeContext>({
    ...executionOf(await subgraphSchema(name, { guard: !deps.unguarded }), deps.executor ?? executorFromEnv()),
    formatError: formatErrorFor(ops.limits),
    parseOptions: limitParseOptions(ops.limits),
    includeStacktraceInErrorResponses: false,
    // Apollo would refuse introspection to everyone under NODE_ENV=production; who may introspect
    // is decided by useIntrospectionPolicy (admins), so Apollo's switch stays on.
    introspection: true,
    // The process owner (the CLI) decides how to stop on a signal: Apollo must not re-raise it.
    stopOnTerminationSignals: false,
    plugins: subgraphPlugins(name, deps),
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
    // Innermost: a database outage is marked before the refusal recorder (which cannot write either)
    // turns it into AUDIT_UNAVAILABLE; the HTTP front then answers 503 SERVICE_UNAVAILABLE.
    context: recordingRefusals(deps.orm, name, markingDatabaseFailure(requestContext(name, deps)), refusalAppendLogger(name, ops.log)),
  });
  return { ...running, close: async () => (await running.close(), await apollo.stop()) };
}

/** One request's context: the caller authenticated against the database, its policy view, fresh loaders. */
export function requestContext(name: SubgraphName, deps: Pick<SubgraphDeps, 'orm' | 'jwtSecret' | 'pseudonymKey' | 'policy' | 'accessFor' | 'crypto' | 'ops'>): (req: IncomingMessage) => Promise<KoeContext> {
  const pseudonym = (id: string) => customerKey(deps.pseudonymKey, id);
  const maskContext = { pseudonymKey: deps.pseudonymKey };
  const auth = { jwtSecret: deps.jwtSecret, maxTokenTtlSeconds: opsOf(deps).limits.maxTokenTtlSeconds };
  const cursors = new Cursors(deps.jwtSecret);
  const accessFor = deps.accessFor ?? accessFromPolicy(deps.policy);
  return async (req) => {
    refuseMalformedHeaders(req);
    const meta = requestMeta(req);
    const em = deps.orm.em.fork();
    const principal = await authenticate(meta.authorization, em, auth);
    const access = accessFor(principal, meta.purpose);
    return {
      requestId: meta.requestId,
      subgraph: name,
      principal,
      purpose: meta.purpose,
      clientAddress: meta.clientAddress,
      em,
      access,
      loaders: createLoaders(em, access, deps.crypto),
      pseudonym,
      maskContext,
      decisions: new DecisionCounter(),
      crypto: deps.crypto,
      cursors,
    };
  };
}
