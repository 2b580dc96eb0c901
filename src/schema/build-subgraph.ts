/**
 * A subgraph schema from type-graphql classes: type-graphql builds the types, the SDL round trip
 * through `@apollo/subgraph` adds `_entities`/`_service`, `@pii` is composed into the supergraph, and
 * list fields carry `@listSize` for other routers' demand control (list-size.ts).
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap, type NonEmptyArray } from 'type-graphql';
import { withListSizes } from './list-size.js';
import { piiDirective } from './pii.directive.js';
import { DateTimeScalar } from './scalars.js';

const FEDERATION_LINKS = `
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@composeDirective", "@cost", "@listSize"])
  @link(url: "https://koe.dev/pii/v1.0", import: ["@pii"])
  @composeDirective(name: "@pii")
`;

export interface SubgraphDefinition {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: NonEmptyArray<Function>;
  /** `__resolveReference` per entity type. */
  references: Record<string, Record<string, unknown>>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  orphanedTypes?: Function[];
}

export async function buildSubgraph(def: SubgraphDefinition): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: def.resolvers,
    orphanedTypes: def.orphanedTypes ?? [],
    directives: [piiDirective],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    skipCheck: true,
    validate: false,
  });
  const sdl = FEDERATION_LINKS + printSchemaWithDirectives(schema);
  const resolvers = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  for (const [type, extra] of Object.entries(def.references)) resolvers[type] = { ...resolvers[type], ...extra };
  return buildSubgraphSchema({ typeDefs: withListSizes(parse(sdl)), resolvers: resolvers as never });
}
