/** Which types and resolvers make up each subgraph. */
import type { GraphQLSchema } from 'graphql';
import { AuditEventResolver } from '../resolvers/audit/audit.resolver.js';
import { MeResolver } from '../resolvers/audit/me.resolver.js';
import type { SubgraphName } from '../resolvers/context.js';
import { CustomerMutationResolver } from '../resolvers/customers/customer.mutation.js';
import { CustomerResolver, customerReference } from '../resolvers/customers/customer.resolver.js';
import { CustomerFeedbackResolver } from '../resolvers/feedback/customer-feedback.resolver.js';
import { FeedbackMutationResolver } from '../resolvers/feedback/feedback.mutation.js';
import { FeedbackResolver, feedbackReference } from '../resolvers/feedback/feedback.resolver.js';
import { guardPiiFields } from '../resolvers/guard/pii-guard.js';
import { buildSubgraph, type SubgraphDefinition } from './build-subgraph.js';
import { Principal } from './types/principal.type.js';

export const SUBGRAPHS: Record<SubgraphName, SubgraphDefinition> = {
  customers: { resolvers: [CustomerResolver, CustomerMutationResolver], references: customerReference },
  feedback: { resolvers: [FeedbackResolver, FeedbackMutationResolver, CustomerFeedbackResolver], references: feedbackReference },
  audit: { resolvers: [AuditEventResolver, MeResolver], references: {}, orphanedTypes: [Principal] },
};

export const SUBGRAPH_NAMES = Object.keys(SUBGRAPHS) as SubgraphName[];

const built = new Map<SubgraphName, Promise<GraphQLSchema>>();

/**
 * Schemas are built (and their `@pii` fields guarded) once per process: type-graphql's metadata is
 * global, building is slow, and guarding twice would wrap resolvers twice.
 */
export function subgraphSchema(name: SubgraphName): Promise<GraphQLSchema> {
  let schema = built.get(name);
  if (!schema) built.set(name, (schema = buildSubgraph(SUBGRAPHS[name]).then(guardPiiFields)));
  return schema;
}
