/**
 * Refuses an operation that is too deep, too wide or too costly before anything executes, on every
 * subgraph and at the gateway alike. Tokens are capped by the parser itself (`parseOptions`, so
 * validation, whose cost grows with the document, never sees a long one) and the parser's syntax
 * error is turned into QUERY_TOO_COMPLEX here; the rest is measured once the operation is resolved.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { DocumentNode, GraphQLError, GraphQLSchema, OperationDefinitionNode, ParseOptions } from 'graphql';
import { costKey, estimateCost, pageEstimator } from './cost.js';
import { QueryTooComplexError } from './errors.js';
import { countTokens, measureOperation, type Shape } from './measure.js';
import { countRepresentations, entityTypeCount } from './representations.js';
import { representationCap, type LimitSettings } from './settings.js';

export function useQueryLimits<C extends BaseContext>(limits: LimitSettings): ApolloServerPlugin<C> {
  const estimator = pageEstimator(limits.defaultPageSize, limits.maxPageSize);
  // Documents come from Apollo's document cache, so a repeated query is measured once.
  const shapes = new WeakMap<DocumentNode, WeakMap<OperationDefinitionNode, Shape>>();
  const shapeOf = (doc: DocumentNode, op: OperationDefinitionNode): Shape => {
    let perOp = shapes.get(doc);
    if (!perOp) shapes.set(doc, (perOp = new WeakMap()));
    let s = perOp.get(op);
    if (!s) perOp.set(op, (s = measureOperation(doc, op)));
    return s;
  };
  // Per document and per what the estimate reads of the variables (costKey): an `_entities` call
  // differs from the last one only in which representations it sends, not in how many.
  const costs = new WeakMap<Shape, Map<string, number>>();
  const costOf = (s: Shape, schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined): number => {
    let known = costs.get(s);
    if (!known) costs.set(s, (known = new Map()));
    const key = costKey(variables);
    let cost = key === null ? undefined : known.get(key);
    if (cost === undefined) {
      cost = estimateCost(schema, document, operationName, variables, estimator);
      if (key !== null) {
        if (known.size >= COSTS_PER_DOCUMENT) known.clear(); // bounded: varying `first` values could grow it
        known.set(key, cost);
      }
    }
    return cost;
  };
  const caps = new WeakMap<GraphQLSchema, number>();
  const capOf = (schema: GraphQLSchema): number => {
    let cap = caps.get(schema);
    if (cap === undefined) {
      const types = entityTypeCount(schema);
      caps.set(schema, (cap = types ? representationCap(limits, types) : 0));
    }
    return cap;
  };
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, source }) {
          const i = errors.findIndex((e) => TOKENS_ABORT.test(e.message));
          // Counted only on refusal: the lexer's full count is the measured value the caller sees.
          if (i >= 0 && source) (errors as GraphQLError[])[i] = new QueryTooComplexError('tokens', countTokens(source, Number.MAX_SAFE_INTEGER), limits.maxTokens);
        },
        async didResolveOperation({ document, operation, schema, request }) {
          if (!operation) return;
          const s = shapeOf(document, operation);
          check('depth', s.depth, limits.maxDepth);
          check('aliases', s.aliases, limits.maxAliases);
          check('rootFields', s.rootFields, limits.maxRootFields);
          const cap = capOf(schema);
          if (cap) check('representations', countRepresentations(document, operation, request.variables), cap);
          // Every field costs at least 1: past the limit there is no need to walk the fan-out again.
          check('cost', s.fields, limits.maxCost);
          if (!limits.maxCost) return;
          const variables = operation.variableDefinitions?.length ? request.variables : undefined;
          check('cost', costOf(s, schema, document, request.operationName ?? undefined, variables), limits.maxCost);
        },
      };
    },
  };
}

/** The parser options every server passes to Apollo, so an over-long document is never fully parsed. */
export function limitParseOptions(limits: LimitSettings): ParseOptions {
  return limits.maxTokens ? { maxTokens: limits.maxTokens } : {};
}

const COSTS_PER_DOCUMENT = 64;

// graphql 16 spells it "more that"; accept the fixed spelling too.
const TOKENS_ABORT = /^Syntax Error: Document contains more tha[nt] \d+ tokens/;

function check(limit: string, measured: number, max: number): void {
  if (max > 0 && measured > max) throw new QueryTooComplexError(limit, measured, max);
}
