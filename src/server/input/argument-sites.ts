/**
 * Where an operation takes arguments: every field (in the operation and the fragments it spreads)
 * with arguments, its definition, and the argument path each variable feeds, so a refusal names
 * the argument (`filter.segment`) rather than the variable. Computed once per parsed document.
 */
import {
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValueNode,
} from 'graphql';

export interface ArgumentSite {
  readonly def: GraphQLField<unknown, unknown>;
  readonly node: FieldNode;
}

export interface OperationArguments {
  readonly sites: readonly ArgumentSite[];
  /** The first argument path each variable is used at. */
  readonly variableUse: ReadonlyMap<string, string>;
}

export function operationArguments(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): OperationArguments {
  const sites: ArgumentSite[] = [];
  const variableUse = new Map<string, string>();
  const typeInfo = new TypeInfo(schema);
  const visitor = visitWithTypeInfo(typeInfo, {
    Field(node) {
      const def = typeInfo.getFieldDef();
      if (!def || !node.arguments?.length) return;
      sites.push({ def, node });
      for (const arg of node.arguments) noteVariables(arg.value, arg.name.value, variableUse);
    },
  });
  for (const root of [operation, ...reachableFragments(document, operation)]) visit(root as ASTNode, visitor);
  return { sites, variableUse };
}

function noteVariables(value: ValueNode, path: string, out: Map<string, string>): void {
  if (value.kind === Kind.VARIABLE) {
    if (!out.has(value.name.value)) out.set(value.name.value, path);
  } else if (value.kind === Kind.LIST) {
    value.values.forEach((v, i) => noteVariables(v, `${path}[${i}]`, out));
  } else if (value.kind === Kind.OBJECT) {
    for (const f of value.fields) noteVariables(f.value, `${path}.${f.name.value}`, out);
  }
}

/** The fragments `operation` spreads, directly or through other fragments (others are not run). */
function reachableFragments(document: DocumentNode, operation: OperationDefinitionNode): FragmentDefinitionNode[] {
  const byName = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) byName.set(d.name.value, d);
  const seen = new Map<string, FragmentDefinitionNode>();
  const follow = (node: ASTNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const frag = byName.get(name);
        if (!frag || seen.has(name)) return;
        seen.set(name, frag);
        follow(frag);
      },
    });
  follow(operation);
  return [...seen.values()];
}
