/**
 * `koe schema --role`: the client-facing SDL cut down to what one role can ever use, so its BI tool
 * or codegen never finds a field it would be refused. What is denied comes from `schemaFilterFor`;
 * this module turns it into a schema that still validates, in the same print as `koe schema`.
 *
 * - `@pii` fields DENIED for every record and purpose go (`@pii` stays on the rest).
 * - Types the policy governs (some role has a read rule on them) that this role can never read go,
 *   with every field reaching them; a connection or edge that loses a required part goes too, and
 *   so does the field returning it. Types no rule governs (connections, `PageInfo`, `Me`) are
 *   plumbing the server serves to everyone, and stay unless cut off like that.
 * - Unavailable mutations go; no mutation left, no `Mutation` type.
 * - Inputs and enums only removed fields used go; types already unreachable in the full schema stay.
 */
import { pruneSchema } from '@graphql-tools/utils';
import {
  buildASTSchema, buildSchema, getNamedType, isNonNullType, isObjectType, isSpecifiedDirective, isTypeDefinitionNode,
  isTypeExtensionNode, Kind, parse, print, validateSchema, type DefinitionNode, type DocumentNode, type GraphQLSchema,
  type OperationTypeDefinitionNode,
} from 'graphql';
import { matrix, piiFields, schemaFilterFor, type PolicySet } from '../policies/index.js';

/**
 * Root queries that disclose whole records as one document (no `@pii` field to cut): they stay only
 * for a role that reads every `@pii` field of these types in PLAIN under the purpose they need.
 */
const DISCLOSURES: Readonly<Record<string, { purpose: string; types: readonly string[] }>> = {
  subjectExport: { purpose: 'compliance', types: ['Customer', 'Feedback'] },
};

function disclosuresCut(set: PolicySet, role: string, queryName: string, schema: GraphQLSchema): string[] {
  const present = Object.keys(schema.getQueryType()?.getFields() ?? {});
  return Object.entries(DISCLOSURES)
    .filter(([query]) => present.includes(query))
    .filter(([, need]) => {
      const m = matrix(set, set.catalog, { purpose: need.purpose });
      const cells = Object.entries(m.cells[role] ?? {}).filter(([f]) => need.types.includes(f.split('.')[0]!));
      return cells.length === 0 || cells.some(([, c]) => c.decision === 'MASKED' || c.decision === 'DENIED');
    })
    .map(([query]) => `${queryName}.${query}`);
}

/** Root queries aggregating a governed type (their result types are ungoverned plumbing): they go with the type. */
const AGGREGATES: Readonly<Record<string, string>> = { feedbackStats: 'Feedback', customerStats: 'Customer' };

function aggregatesCut(unreadable: readonly string[], queryName: string, schema: GraphQLSchema): string[] {
  const present = Object.keys(schema.getQueryType()?.getFields() ?? {});
  return Object.entries(AGGREGATES).filter(([query, type]) => present.includes(query) && unreadable.includes(type)).map(([query]) => `${queryName}.${query}`);
}

/** What to leave out: type names, and fields as `Type.field`. */
interface Cut {
  readonly types: Set<string>;
  readonly fields: Set<string>;
}

export function roleSchemaSdl(fullSdl: string, set: PolicySet, role: string): string {
  if (!set.roles.has(role)) throw new Error(`unknown role "${role}" (roles: ${[...set.roles.keys()].join(', ')})`);
  const schema = buildSchema(fullSdl);
  const filter = schemaFilterFor(set, role);
  const governed = new Set([...set.roles.values()].flatMap((r) => r.rules.filter((x) => x.action === 'read' || x.action === 'read_masked').map((x) => x.type)));
  const pii = new Set(piiFields(set.catalog).map((f) => `${f.type}.${f.field}`));
  // Non-@pii fields are only DENIED together with their whole type, which the type cut handles.
  const deniedPii = filter.deniedFields.filter((f) => pii.has(f));
  const mutationType = schema.getMutationType();
  const mutations = mutationType ? filter.unavailableMutations.map((m) => `${mutationType.name}.${m}`) : [];
  const fieldCut = new Set([...deniedPii, ...mutations]);

  // A visible @pii field's decision covers the whole value (the purchase masker rewrites each
  // purchase), so the type it returns is readable through it, rule or no rule.
  const viaPii = new Set([...pii].filter((f) => !fieldCut.has(f)).map((f) => namedTypeOf(schema, f)));
  const unreadable = filter.deniedTypes.filter((t) => governed.has(t) && !viaPii.has(t));
  // What a callable mutation returns stays as its payload (ingest sees the id of what it wrote),
  // but the root queries that would list such types still go: they would only ever be empty.
  const callable = mutationType ? Object.values(mutationType.getFields()).filter((f) => !fieldCut.has(`${mutationType.name}.${f.name}`)) : [];
  const payloads = new Set(callable.map((f) => getNamedType(f.type).name));
  const queryName = schema.getQueryType()!.name;
  const readSide = cascade(schema, governed, { types: new Set(unreadable), fields: new Set(fieldCut) });
  const queryCut = [...[...readSide.fields].filter((f) => f.startsWith(`${queryName}.`)), ...disclosuresCut(set, role, queryName, schema), ...aggregatesCut(unreadable, queryName, schema)];
  const cut = cascade(schema, governed, { types: new Set(unreadable.filter((t) => !payloads.has(t))), fields: new Set([...fieldCut, ...queryCut]) });
  if (cut.types.has(queryName)) throw new Error(`role "${role}" can read nothing at all, not even ${queryName}.me: no schema to print`);

  const sdl = print(withoutOrphans(schema, cutDocument(parse(fullSdl), cut)));
  const errors = validateSchema(buildSchema(sdl));
  if (errors.length) throw new Error(`the schema for role "${role}" does not validate: ${errors.map((e) => e.message).join('; ')}`);
  return sdl;
}

function namedTypeOf(schema: GraphQLSchema, typeField: string): string {
  const [type = '', field = ''] = typeField.split('.');
  const t = schema.getType(type);
  return isObjectType(t) ? (getNamedType(t.getFields()[field]?.type)?.name ?? '') : '';
}

/**
 * Removes, until nothing changes, every field whose type is removed, and every type left without
 * fields. Interfaces and unions are not handled (the API has none); validation would catch them.
 */
function cascade(schema: GraphQLSchema, governed: ReadonlySet<string>, start: Cut): Cut {
  const { types, fields } = start;
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((t) => (t ? [t.name] : [])));
  for (let changed = true; changed; ) {
    changed = false;
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__') || types.has(type.name)) continue;
      let left = 0;
      for (const field of Object.values(type.getFields())) {
        const key = `${type.name}.${field.name}`;
        if (fields.has(key)) continue;
        if (!types.has(getNamedType(field.type).name)) {
          left++;
          continue;
        }
        fields.add(key);
        changed = true;
        // An edge without its node, a connection without its edges: plumbing missing a required part is gone.
        if (isNonNullType(field.type) && !roots.has(type.name) && !governed.has(type.name)) {
          types.add(type.name);
          break;
        }
      }
      if (left === 0 && !types.has(type.name)) {
        types.add(type.name);
        changed = true;
      }
    }
  }
  return { types, fields };
}

/** Edits the parsed SDL rather than reprinting a schema, so descriptions and `@pii` stay as printed. */
function cutDocument(doc: DocumentNode, cut: Cut): DocumentNode {
  const live = (o: OperationTypeDefinitionNode) => !cut.types.has(o.type.name.value);
  const definitions = doc.definitions.flatMap((def): DefinitionNode[] => {
    if (def.kind === Kind.SCHEMA_DEFINITION) return [{ ...def, operationTypes: def.operationTypes.filter(live) }];
    if (def.kind === Kind.SCHEMA_EXTENSION) return [{ ...def, operationTypes: def.operationTypes?.filter(live) }];
    if (!isTypeDefinitionNode(def) && !isTypeExtensionNode(def)) return [def];
    if (cut.types.has(def.name.value)) return [];
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) return [def];
    return [{ ...def, fields: def.fields?.filter((f) => !cut.fields.has(`${def.name.value}.${f.name.value}`)) }];
  });
  return { ...doc, definitions };
}

/** Drops the types only removed fields reached; directive argument types and earlier orphans stay. */
function withoutOrphans(full: GraphQLSchema, doc: DocumentNode): DocumentNode {
  const directiveTypes = new Set(full.getDirectives().filter((d) => !isSpecifiedDirective(d)).flatMap((d) => d.args.map((a) => getNamedType(a.type).name)));
  const reachableInFull = pruneSchema(full, { skipPruning: (t) => directiveTypes.has(t.name) }).getTypeMap();
  const keep = (name: string) => directiveTypes.has(name) || !(name in reachableInFull);
  const kept = pruneSchema(buildASTSchema(doc), { skipPruning: (t) => keep(t.name) }).getTypeMap();
  const definitions = doc.definitions.filter((def) => !(isTypeDefinitionNode(def) || isTypeExtensionNode(def)) || def.name.value in kept);
  return { ...doc, definitions };
}
