/**
 * Counts the `_entities` representations of one operation, every `_entities` field together
 * (aliases, fragments at the root): the gateway sends one page of keys per entity type, so a
 * request carrying thousands is a bulk read through the back door, refused before it executes.
 */
import { isUnionType, Kind, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';
import { representationsIn } from './cost.js';

export function countRepresentations(doc: DocumentNode, op: OperationDefinitionNode, variables: Record<string, unknown> | undefined): number {
  const fragments = new Map(doc.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])));
  const walk = (set: SelectionSetNode, active: Set<string>): number => {
    let n = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value !== '_entities') continue;
        const arg = sel.arguments?.find((a) => a.name.value === 'representations');
        n += arg ? countValue(arg.value, variables) : 0;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) n += walk(sel.selectionSet, active);
      else if (!active.has(sel.name.value)) {
        const target = fragments.get(sel.name.value);
        if (target) n += walk(target, new Set(active).add(sel.name.value));
      }
    }
    return n;
  };
  return walk(op.selectionSet, new Set());
}

function countValue(value: ValueNode, variables: Record<string, unknown> | undefined): number {
  if (value.kind === Kind.VARIABLE) return representationsIn(variables?.[value.name.value]);
  if (value.kind === Kind.LIST) return value.values.length;
  return value.kind === Kind.NULL ? 0 : 1;
}

/** How many entity types this schema resolves through `_entities` (0: not a subgraph). */
export function entityTypeCount(schema: GraphQLSchema): number {
  const entity = schema.getType('_Entity');
  return entity && isUnionType(entity) ? entity.getTypes().length : 0;
}
