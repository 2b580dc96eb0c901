/**
 * Koe's cost model written into the schema, so a router that is not Koe's gateway can apply it
 * (federation 2.9 demand control: `@listSize`, https://specs.apollo.dev/cost/v0.1). Koe's own
 * estimator (src/server/limits/cost.ts) multiplies what a paged field selects by its `first`, and
 * counts any other list as one item; so a field taking `first` slices by it (its connection's
 * `edges` are the sized list; without `first` a router counts one page item, a lower bound, where
 * Koe counts the default page), and every other list field is assumed to hold one item. Koe's
 * gateway does not read these directives: its costs stay what they were.
 */
import { Kind, parse, visit, type ConstDirectiveNode, type DocumentNode, type FieldDefinitionNode, type TypeNode } from 'graphql';

const LIST_SIZE = 'listSize';

export function withListSizes(doc: DocumentNode): DocumentNode {
  return visit(doc, {
    FieldDefinition(field: FieldDefinitionNode) {
      if (field.directives?.some((d) => d.name.value === LIST_SIZE)) return undefined;
      const sized = field.arguments?.some((a) => a.name.value === 'first') ? pagedBy(namedType(field.type)) : isList(field.type) ? ONE_ITEM : null;
      return sized ? { ...field, directives: [...(field.directives ?? []), sized] } : undefined;
    },
  });
}

function pagedBy(returnType: string): ConstDirectiveNode {
  const args = ['slicingArguments: ["first"]', 'requireOneSlicingArgument: false'];
  if (returnType.endsWith('Connection')) args.push('sizedFields: ["edges"]');
  return directive(`@${LIST_SIZE}(${args.join(', ')})`);
}

const ONE_ITEM = directive(`@${LIST_SIZE}(assumedSize: 1)`);

function directive(text: string): ConstDirectiveNode {
  return { kind: Kind.DIRECTIVE, name: { kind: Kind.NAME, value: LIST_SIZE }, arguments: argumentsOf(text) };
}

function argumentsOf(text: string): ConstDirectiveNode['arguments'] {
  // Parsed from a throwaway field so the argument values are real AST nodes.
  const doc = parse(`type T { f: Int ${text} }`, { noLocation: true });
  const def = doc.definitions[0];
  if (def?.kind !== Kind.OBJECT_TYPE_DEFINITION) throw new Error('unreachable');
  return def.fields?.[0]?.directives?.[0]?.arguments;
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

function isList(type: TypeNode): boolean {
  return type.kind === Kind.LIST_TYPE || (type.kind === Kind.NON_NULL_TYPE && type.type.kind === Kind.LIST_TYPE);
}
