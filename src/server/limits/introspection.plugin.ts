/**
 * In production, `__schema` and `__type` answer admins only: the schema names every personal field,
 * which is a map for an attacker. `__typename` stays open (clients and the gateway need it).
 * Spreads are followed, so hiding `__schema` in a fragment does not help.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Kind, type DocumentNode, type SelectionSetNode } from 'graphql';
import { ForbiddenError } from '../../schema/errors.js';

export const INTROSPECTION_ROLES: ReadonlySet<string> = new Set(['admin']);

export function useIntrospectionPolicy<C extends BaseContext>(rolesOf: (ctx: C) => readonly string[] | undefined): ApolloServerPlugin<C> {
  const seen = new WeakMap<DocumentNode, boolean>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue }) {
          let introspects = seen.get(document);
          if (introspects === undefined) seen.set(document, (introspects = asksForSchema(document)));
          if (!introspects) return;
          if ((rolesOf(contextValue) ?? []).some((r) => INTROSPECTION_ROLES.has(r))) return;
          throw new ForbiddenError('Introspection is available to admins only', { http: { status: 403 } });
        },
      };
    },
  };
}

function asksForSchema(doc: DocumentNode): boolean {
  const fragments = new Map(doc.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])));
  const visited = new Set<string>();
  const walk = (set: SelectionSetNode): boolean =>
    set.selections.some((sel) => {
      if (sel.kind === Kind.FIELD) return sel.name.value === '__schema' || sel.name.value === '__type' || (!!sel.selectionSet && walk(sel.selectionSet));
      if (sel.kind === Kind.INLINE_FRAGMENT) return walk(sel.selectionSet);
      const name = sel.name.value;
      if (visited.has(name)) return false;
      visited.add(name);
      const target = fragments.get(name);
      return !!target && walk(target);
    });
  return doc.definitions.some((d) => (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION) && walk(d.selectionSet));
}
