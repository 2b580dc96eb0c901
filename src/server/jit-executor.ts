/**
 * Compiled execution (graphql-jit) behind Apollo Server's one execution hook, the `gateway` option:
 * Apollo still parses, validates, runs every plugin, formats errors and sends the response; only
 * `execute` is replaced. The compiled query calls the schema's own field resolvers, so the `@pii`
 * guard, decryption and mutation savepoints wrapped at build time apply unchanged.
 */
import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import type { KoeContext } from '../request/context.js';
import { Lru } from '../policies/lru.js';

export const EXECUTORS = ['graphql-js', 'graphql-jit'] as const;
export type ExecutorName = (typeof EXECUTORS)[number];

/**
 * graphql-js: graphql-jit did not win measurably (`npm run bench -- executors`, 2026-12-04, two
 * shared cores at load average ~20, wall times were noise). CPU per request, js/jit, two runs:
 * customers page 1.05x and 1.09x, feedback page 1.14x and 0.99x, `_entities` x100 1.05x and 1.01x,
 * gateway dashboard 1.00x and 0.93x. Execution is a small share of a request here (database, guard,
 * audit, Apollo's pipeline dominate). Re-measure on a quiet machine before switching.
 */
export const DEFAULT_EXECUTOR: ExecutorName = 'graphql-js';

type Gateway = ApolloServerOptionsWithGateway<KoeContext>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;

/** The ApolloServer options that choose how a schema is executed: `{ schema }` for graphql-js, `{ gateway }` for graphql-jit. */
export function executionOf(schema: GraphQLSchema, executor: ExecutorName, opts: { cacheSize?: number } = {}): { schema: GraphQLSchema; gateway?: undefined } | { gateway: Gateway; schema?: undefined } {
  return executor === 'graphql-jit' ? { gateway: jitGateway(schema, opts.cacheSize ?? 1000) } : { schema };
}

/** What the cache holds per document: a compiled query, or the note that graphql-jit could not compile it. */
type Entry = CompiledQuery | 'graphql-js';

function jitGateway(schema: GraphQLSchema, cacheSize: number): Gateway {
  const executor = jitExecutor(schema, cacheSize);
  return {
    // Apollo derives its schema data (validation, limits, introspection) from this callback.
    onSchemaLoadOrUpdate: (callback) => (callback({ apiSchema: schema, coreSupergraphSdl: '' }), () => {}),
    load: async () => ({ executor }),
    stop: async () => {},
  };
}

/** Compiled queries by document and operation name, bounded: endless distinct documents evict old ones instead of growing memory. */
export class CompiledQueries {
  private readonly lru: Lru<string, Entry>;

  constructor(
    private readonly schema: GraphQLSchema,
    capacity: number,
  ) {
    this.lru = new Lru(capacity);
  }

  /** `queryHash` is Apollo's hash of the document's text; the same text parses to the same document. */
  get(document: DocumentNode, queryHash: string, operationName: string | undefined): Entry {
    const key = `${queryHash}\u0000${operationName ?? ''}`;
    let entry = this.lru.get(key);
    if (entry === undefined) {
      const out = compileQuery(this.schema, document, operationName);
      entry = isCompiledQuery(out) ? out : 'graphql-js';
      this.lru.set(key, entry);
    }
    return entry;
  }

  get size(): number {
    return this.lru.size;
  }
}

export function jitExecutor(schema: GraphQLSchema, cacheSize: number): Executor {
  const compiled = new CompiledQueries(schema, cacheSize);
  return async (rc) => {
    const { document, request, context } = rc;
    const variables = request.variables ?? {};
    const viaJs = () => execute({ schema, document, contextValue: context, variableValues: variables, operationName: request.operationName ?? null }) as Promise<ExecutionResult>;
    const entry = compiled.get(document, rc.queryHash, request.operationName);
    if (entry === 'graphql-js') return viaJs();
    const result = await entry.query(undefined, context, variables);
    // No `data` at all: the variables did not coerce. graphql-js words and locates those errors as
    // Apollo expects (BAD_USER_INPUT, HTTP 400); nothing has executed yet, so it may simply rerun.
    if (!('data' in result)) return viaJs();
    return result.errors?.length ? { ...result, errors: result.errors.map(asGraphQLJsError) } : result;
  };
}

/**
 * graphql-jit's errors inherit GraphQLError's prototype but not its shape (no `extensions` object
 * when the cause had none, no `nodes`), which Apollo's formatting assumes. Rebuilt as graphql-js
 * builds a located error: message, path and `extensions` from the original error, same locations.
 */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  const original = error.originalError ?? undefined;
  const out = new GraphQLError(error.message, {
    path: error.path,
    ...(original ? { originalError: original } : { extensions: error.extensions ?? {} }),
  });
  (out as { locations: GraphQLError['locations'] }).locations = error.locations;
  return out;
}
