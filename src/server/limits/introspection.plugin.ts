/**
 * In production, the schema answers only those allowed to see it whole: `__schema` and `__type`
 * answer admins only, and a subgraph's `_service { sdl }` (the full SDL with `@pii` and every
 * mutation, which introspection would also reveal) answers admins and Koe's own gateway, which
 * proves itself with an HMAC header (`counted-proof.ts`). The schema names every personal field,
 * which is a map for an attacker. `__typename` stays open (clients and the gateway need it).
 * Spreads are followed, so hiding `__schema` or `_service` in a fragment does not help.
 *
 * Apollo's own switch (`introspection`) is on everywhere: under NODE_ENV=production it would refuse
 * admins too, so this plugin is the one place that decides.
 */
import type { ApolloServerPlugin, BaseContext, HeaderMap } from '@apollo/server';
import { Kind, type DocumentNode, type SelectionSetNode } from 'graphql';
import { ForbiddenError } from '../../request/errors.js';

export const INTROSPECTION_ROLES: ReadonlySet<string> = new Set(['admin']);

export function mayIntrospect(roles: readonly string[] | undefined): boolean {
  return (roles ?? []).some((r) => INTROSPECTION_ROLES.has(r));
}

export interface IntrospectionHooks<C> {
  rolesOf(ctx: C): readonly string[] | undefined;
  /** True when the request carries the gateway's proof (subgraphs only; the gateway serves no `_service`). */
  fromGateway?(ctx: C, headers: HeaderMap | undefined): boolean;
}

interface SchemaAsks {
  introspection: boolean;
  service: boolean;
}

export function useIntrospectionPolicy<C extends BaseContext>(hooks: IntrospectionHooks<C>): ApolloServerPlugin<C> {
  const seen = new WeakMap<DocumentNode, SchemaAsks>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue, request }) {
          let asks = seen.get(document);
          if (asks === undefined) seen.set(document, (asks = asksForSchema(document)));
          if (!asks.introspection && !asks.service) return;
          if (mayIntrospect(hooks.rolesOf(contextValue))) return;
          if (!asks.introspection && hooks.fromGateway?.(contextValue, request.http?.headers)) return;
          throw new ForbiddenError('Introspection (__schema, __type, _service) is available to admins only', { http: { status: 403 } });
        },
      };
    },
  };
}

function asksForSchema(doc: DocumentNode): SchemaAsks {
  const fragments = new Map(doc.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])));
  const asks: SchemaAsks = { introspection: false, service: false };
  const visited = new Set<string>();
  const walk = (set: SelectionSetNode): void => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        if (name === '__schema' || name === '__type') asks.introspection = true;
        else if (name === '_service') asks.service = true;
        if (sel.selectionSet) walk(sel.selectionSet);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet);
      else if (!visited.has(sel.name.value)) {
        visited.add(sel.name.value);
        const target = fragments.get(sel.name.value);
        if (target) walk(target);
      }
    }
  };
  for (const d of doc.definitions) if (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION) walk(d.selectionSet);
  return asks;
}
