/**
 * Bad input is refused once the operation is resolved, before any plugin estimates its cost or
 * counts it and before anything executes, with 400 BAD_USER_INPUT naming the argument:
 * - an `operationName` that names no operation (or none given for several), and subscriptions,
 *   which Koe does not serve (graphql-js and the gateway answer these with a 500 otherwise);
 * - variable values that do not coerce to their declared types (GraphQL over HTTP: 400);
 * - text no column can store, in any argument, literal or variable, however deeply nested
 *   (a NUL byte, an unpaired surrogate: see `text.ts`);
 * - `_entities` representations that are not objects naming an entity type of this subgraph.
 * Every server (each subgraph and the gateway) runs it first in its plugin list.
 */
import type { ApolloServerPlugin, BaseContext, GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { getArgumentValues, getVariableValues, GraphQLError, isUnionType, Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { BadUserInputError } from '../../request/errors.js';
import { operationArguments, type OperationArguments } from './argument-sites.js';
import { echoable, unstorableText } from './text.js';

// graphql-js ends some messages with suggestions built from the schema: never worth echoing.
const SUGGESTION = /\s*Did you mean [^?]*\?\s*$/;

export function useInputGuard<C extends BaseContext>(): ApolloServerPlugin<C> {
  const known = new WeakMap<DocumentNode, WeakMap<OperationDefinitionNode, OperationArguments>>();
  const argumentsOf = (rc: GraphQLRequestContextDidResolveOperation<C>, operation: OperationDefinitionNode): OperationArguments => {
    let perOp = known.get(rc.document);
    if (!perOp) known.set(rc.document, (perOp = new WeakMap()));
    let a = perOp.get(operation);
    if (!a) perOp.set(operation, (a = operationArguments(rc.schema, rc.document, operation)));
    return a;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          const operation = rc.operation;
          if (!operation) {
            throw rc.request.operationName
              ? new BadUserInputError('operationName', 'names no operation in the document')
              : new BadUserInputError('operationName', 'the document holds several operations: name the one to run');
          }
          if (operation.operation === 'subscription') throw new BadUserInputError('query', 'Koe serves no subscriptions; send a query or a mutation');
          const args = argumentsOf(rc, operation);
          const variables = coerceVariables(rc, operation, args);
          for (const site of args.sites) {
            let values: Record<string, unknown>;
            try {
              values = getArgumentValues(site.def, site.node, variables);
            } catch (e) {
              throw refusal(site.node.name.value, e);
            }
            for (const [name, value] of Object.entries(values)) if (!storable(value)) checkValue(value, name);
            if (site.def.name === '_entities') checkRepresentations(rc, values.representations);
          }
        },
      };
    },
  };
}

function coerceVariables<C extends BaseContext>(rc: GraphQLRequestContextDidResolveOperation<C>, operation: OperationDefinitionNode, args: OperationArguments): Record<string, unknown> {
  const defs = operation.variableDefinitions ?? [];
  if (defs.length === 0) return {};
  const result = getVariableValues(rc.schema, defs, rc.request.variables ?? {}, { maxErrors: 1 });
  if (!result.errors) return result.coerced;
  const err = result.errors[0]!;
  const node = err.nodes?.[0];
  const variable = node?.kind === Kind.VARIABLE_DEFINITION ? node.variable.name.value : null;
  const argument = (variable && args.variableUse.get(variable)) ?? (variable ? `$${variable}` : 'variables');
  const out = new BadUserInputError(argument, reasonOf(err.message));
  if (variable) out.extensions.variable = variable;
  throw out;
}

/**
 * Whether every string in a coerced value, and every key of a free-form object (`_Any`), is
 * storable. The walk runs on every argument of every request (an `_entities` call brings a hundred
 * representations), so it builds no paths: only a value that fails is walked again by `checkValue`
 * to name where.
 */
function storable(value: unknown): boolean {
  if (typeof value === 'string') return unstorableText(value) === null;
  if (Array.isArray(value)) return value.every(storable);
  if (value === null || typeof value !== 'object' || value instanceof Date) return true;
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    if (unstorableText(k) !== null || !storable((value as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** Walks a coerced value: every string, and every key of a free-form object (`_Any`), must be storable. */
function checkValue(value: unknown, path: string): void {
  if (typeof value === 'string') {
    const problem = unstorableText(value);
    if (problem) throw new BadUserInputError(path, problem);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkValue(v, `${path}[${i}]`));
  } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) {
      const problem = unstorableText(k);
      if (problem) throw new BadUserInputError(path, `a key ${problem}`);
      checkValue(v, `${path}.${k}`);
    }
  }
}

/** A representation is an object whose `__typename` is an entity of this subgraph; the rest is the resolver's. */
function checkRepresentations<C extends BaseContext>(rc: GraphQLRequestContextDidResolveOperation<C>, representations: unknown): void {
  if (!Array.isArray(representations)) return;
  const union = rc.schema.getType('_Entity');
  const entities = new Set(isUnionType(union) ? union.getTypes().map((t) => t.name) : []);
  representations.forEach((r, i) => {
    const path = `representations[${i}]`;
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new BadUserInputError(path, 'must be an object with __typename and the key fields');
    const typename = (r as { __typename?: unknown }).__typename;
    if (typeof typename !== 'string' || !entities.has(typename)) throw new BadUserInputError(`${path}.__typename`, 'must name an entity type this subgraph resolves');
  });
}

function refusal(argument: string, e: unknown): GraphQLError {
  return new BadUserInputError(argument, reasonOf(e instanceof Error ? e.message : 'invalid value'));
}

function reasonOf(message: string): string {
  return echoable(message.replace(SUGGESTION, ''), 300);
}
