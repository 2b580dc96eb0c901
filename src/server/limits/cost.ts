/**
 * Estimated cost with graphql-query-complexity: 1 per field, and a field that takes `first`
 * multiplies what it selects by the page it asks for (default page when absent, capped at the most
 * a resolver will return); `_entities` multiplies it by the representations sent, which are a page
 * the gateway asks for on the caller's behalf. Fragments are expanded by the library at each use.
 */
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { DocumentNode, GraphQLSchema } from 'graphql';

export function pageEstimator(defaultPageSize: number, maxPageSize: number): ComplexityEstimator {
  return ({ field, args, childComplexity }) => {
    if (field.name === ENTITIES) return 1 + childComplexity * representationsIn(args.representations);
    if (!field.args.some((a) => a.name === 'first')) return 1 + childComplexity;
    const first = args.first;
    const page = typeof first === 'number' ? Math.min(Math.max(first, 0), maxPageSize) : defaultPageSize;
    return 1 + childComplexity * page;
  };
}

export function estimateCost(
  schema: GraphQLSchema,
  query: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown> | undefined,
  estimator: ComplexityEstimator,
): number {
  return getComplexity({ schema, query, operationName, variables: variables ?? {}, estimators: [estimator] });
}

const ENTITIES = '_entities';

/**
 * What `pageEstimator` can read of an operation's variables, as a cache key: every value as sent,
 * except that a list counts only by its length (the estimator reads a list only as the number of
 * `_entities` representations, and `first` is an Int). Null when the key would be long (many
 * distinct values: the estimate then runs as usual). Keep it in step with `pageEstimator`.
 */
export function costKey(variables: Record<string, unknown> | undefined): string | null {
  if (!variables) return '';
  // Every list becomes a list of its length, so a list in the key can only stand for a list sent.
  const key = JSON.stringify(variables, (_k, v: unknown) => (Array.isArray(v) ? [v.length] : v));
  return key.length > MAX_COST_KEY ? null : key;
}

const MAX_COST_KEY = 1024;

/** A list of representations counts its length; a lone one (GraphQL list coercion) counts 1. */
export function representationsIn(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  return value === undefined || value === null ? 0 : 1;
}
