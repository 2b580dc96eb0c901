/**
 * The shape of one operation with every fragment expanded where it is used: a fragment spread 50
 * times counts 50 times (the bypass that hit Strawberry and Apollo Router). Each fragment is
 * measured once and its figures reused, so nested fan-out costs linear time to measure, not its size.
 */
import { Kind, Lexer, Source, TokenKind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

export interface Shape {
  depth: number;
  aliases: number;
  rootFields: number;
  /** Fields after expansion: a floor for the cost, since every field costs at least 1. */
  fields: number;
}

/** Tokens as the graphql lexer sees them (what `parse({ maxTokens })` counts), stopping past `cap`. */
export function countTokens(query: string, cap: number): number {
  const lexer = new Lexer(new Source(query));
  let n = 0;
  while (lexer.advance().kind !== TokenKind.EOF) if (++n > cap) break;
  return n;
}

export function measureOperation(doc: DocumentNode, op: OperationDefinitionNode): Shape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const memo = new Map<string, Shape>();

  const measureSet = (set: SelectionSetNode, active: Set<string>): Shape => {
    const s: Shape = { depth: 0, aliases: 0, rootFields: 0, fields: 0 };
    for (const sel of set.selections) {
      let inner: Shape;
      if (sel.kind === Kind.FIELD) {
        const child = sel.selectionSet ? measureSet(sel.selectionSet, active) : null;
        inner = { depth: 1 + (child?.depth ?? 0), aliases: (sel.alias ? 1 : 0) + (child?.aliases ?? 0), rootFields: 1, fields: 1 + (child?.fields ?? 0) };
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        inner = measureSet(sel.selectionSet, active);
      } else {
        const name = sel.name.value;
        const def = fragments.get(name);
        // Unknown or cyclic spreads are validation errors already; measuring them as empty is safe.
        if (!def || active.has(name)) continue;
        let m = memo.get(name);
        if (!m) {
          active.add(name);
          m = measureSet(def.selectionSet, active);
          active.delete(name);
          memo.set(name, m);
        }
        inner = m;
      }
      s.depth = Math.max(s.depth, inner.depth);
      s.aliases += inner.aliases;
      s.rootFields += inner.rootFields;
      s.fields += inner.fields;
    }
    return s;
  };
  return measureSet(op.selectionSet, new Set());
}
