/**
 * The schema clients see through the gateway: the supergraph without its join and link machinery,
 * with `@pii` put back on its fields (the API schema drops it) so clients can see what is personal.
 */
import { printSchema as printFederationSchema, Supergraph } from '@apollo/federation-internals';
import { buildSchema, Kind, parse, print, type DefinitionNode, type ConstDirectiveNode, type GraphQLSchema } from 'graphql';
import { PII_CATEGORIES } from '../policies/catalog.js';
import { piiDirective } from '../schema/pii.directive.js';
import { composeSupergraph } from './supergraph.js';

export async function apiSchemaSdl(): Promise<string> {
  const supergraph = await composeSupergraph();
  const piiOf = piiApplications(supergraph);
  const api = parse(printFederationSchema(Supergraph.build(supergraph).apiSchema()));
  const definitions = api.definitions.map((def): DefinitionNode => {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION || !def.fields) return def;
    const fields = def.fields.map((f) => {
      const pii = piiOf.get(`${def.name.value}.${f.name.value}`);
      return pii ? { ...f, directives: [...(f.directives ?? []), pii] } : f;
    });
    return { ...def, fields };
  });
  const hasEnum = api.definitions.some((d) => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'PiiCategory');
  const header = [
    'directive @pii(category: PiiCategory!) on FIELD_DEFINITION',
    ...(hasEnum ? [] : [`enum PiiCategory {\n${PII_CATEGORIES.map((c) => `  ${c}`).join('\n')}\n}`]),
  ].join('\n\n');
  return `${header}\n\n${print({ ...api, definitions })}`;
}

export async function apiSchema(): Promise<GraphQLSchema> {
  return buildSchema(await apiSchemaSdl());
}

function piiApplications(supergraphSdl: string): Map<string, ConstDirectiveNode> {
  const out = new Map<string, ConstDirectiveNode>();
  for (const def of parse(supergraphSdl).definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    for (const f of def.fields ?? []) {
      const d = f.directives?.find((x) => x.name.value === piiDirective.name);
      if (d) out.set(`${def.name.value}.${f.name.value}`, d);
    }
  }
  return out;
}
