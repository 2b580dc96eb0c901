/** The policy engine's view of the API, read off the schema clients see: types, fields, `@pii`. */
import { isObjectType, type GraphQLSchema } from 'graphql';
// The directive's name from policies/, not pii.directive.ts: that one loads type-graphql (~150 ms a CLI command).
import { PII_CATEGORIES, PII_DIRECTIVE, type FieldInfo, type PiiCategory, type SchemaCatalog, type TypeInfo } from '../policies/catalog.js';

const ROOTS = new Set(['Query', 'Mutation', 'Subscription']);

export function catalogOf(schema: GraphQLSchema): SchemaCatalog {
  const types: Record<string, TypeInfo> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || ROOTS.has(type.name) || type.name.startsWith('_')) continue;
    const fields: Record<string, FieldInfo> = {};
    for (const f of Object.values(type.getFields())) fields[f.name] = { name: f.name, pii: piiCategory(f.astNode?.directives) };
    types[type.name] = { name: type.name, fields };
  }
  const mutations = Object.keys(schema.getMutationType()?.getFields() ?? {});
  return { types, mutations };
}

function piiCategory(directives: ReadonlyArray<{ name: { value: string }; arguments?: ReadonlyArray<{ name: { value: string }; value: unknown }> }> | undefined): PiiCategory | null {
  const d = directives?.find((x) => x.name.value === PII_DIRECTIVE);
  if (!d) return null;
  const arg = d.arguments?.find((a) => a.name.value === 'category')?.value as { value?: string } | undefined;
  const value = arg?.value;
  if (!value || !(PII_CATEGORIES as readonly string[]).includes(value)) throw new Error(`@pii without a known category: ${String(value)}`);
  return value as PiiCategory;
}
