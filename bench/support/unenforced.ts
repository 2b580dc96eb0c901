/**
 * Koe with a piece of enforcement left out, for the benchmarks that measure what that piece costs:
 * `guard: false` serves the schemas without the `@pii` field guard, `recorder: false` runs the
 * subgraphs without the audit recorder. Built through startPlatform's assembly seam, so no option,
 * type or setting of the production servers can reach either.
 */
import type { GraphQLSchema } from 'graphql';
import type { SubgraphName } from '../../src/request/context.js';
import { startPlatform, type Platform, type PlatformOptions } from '../../src/server/platform.js';
import { pluginsAround, subgraphPlugins } from '../../src/server/subgraph-plugins.js';
import { ENFORCED, type SubgraphAssembly } from '../../src/server/subgraph-server.js';
import { subgraphSchema, unguardedSubgraphSchema } from '../../src/server/subgraphs.js';

export interface LeftOut {
  /** Serve the schemas without the `@pii` field guard. */
  guard?: false;
  /** Run the subgraphs without the audit recorder. */
  recorder?: false;
}

const unguarded = new Map<SubgraphName, Promise<GraphQLSchema>>();

/** One unguarded schema per subgraph and process, as production builds one guarded schema. */
export function unguardedSchema(name: SubgraphName): Promise<GraphQLSchema> {
  let schema = unguarded.get(name);
  if (!schema) unguarded.set(name, (schema = unguardedSubgraphSchema(name)));
  return schema;
}

export function assemblyWithout(leftOut: LeftOut): SubgraphAssembly {
  return {
    schema: leftOut.guard === false ? unguardedSchema : subgraphSchema,
    plugins: leftOut.recorder === false ? (name, deps) => pluginsAround(name, deps, null) : subgraphPlugins,
    edgeAudit: leftOut.recorder !== false,
  };
}

export function startUnenforcedPlatform(opts: PlatformOptions, leftOut: LeftOut): Promise<Platform> {
  const assembly = leftOut.guard === false || leftOut.recorder === false ? assemblyWithout(leftOut) : ENFORCED;
  return startPlatform(opts, assembly);
}
