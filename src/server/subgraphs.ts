/** Which types and resolvers make up each subgraph. */
import type { GraphQLSchema } from 'graphql';
import { AccessReviewResolver } from '../resolvers/governance/access-review.resolver.js';
import { ApiKeyResolver } from '../resolvers/governance/api-key.resolver.js';
import { AuditEventResolver } from '../resolvers/governance/audit.resolver.js';
import { AuditVerificationResolver } from '../resolvers/governance/audit-verification.resolver.js';
import { GrantRequestResolver } from '../resolvers/governance/grant-request.resolver.js';
import { IncidentResolver } from '../resolvers/governance/incident.resolver.js';
import { MeResolver } from '../resolvers/governance/me.resolver.js';
import { PolicyMatrixResolver } from '../resolvers/governance/policy-matrix.resolver.js';
import { KeyLifecycleResolver } from '../resolvers/governance/key-lifecycle.resolver.js';
import { PrincipalMutationResolver } from '../resolvers/governance/principal.mutation.js';
import { PrincipalResolver } from '../resolvers/governance/principal.resolver.js';
import { ProvisionResolver } from '../resolvers/governance/provision.resolver.js';
import { SubjectRequestResolver } from '../resolvers/governance/subject-request.mutation.js';
import { UseRestrictionResolver } from '../resolvers/governance/use-restriction.mutation.js';
import type { SubgraphName } from '../request/context.js';
import { ConsentMutationResolver } from '../resolvers/customers/consent.mutation.js';
import { CustomerMutationResolver } from '../resolvers/customers/customer.mutation.js';
import { CustomerResolver, customerReference } from '../resolvers/customers/customer.resolver.js';
import { CustomerStatsResolver } from '../resolvers/customers/customer-stats.resolver.js';
import { FeedbackStatsResolver } from '../resolvers/feedback/feedback-stats.resolver.js';
import { CustomerFeedbackResolver } from '../resolvers/feedback/customer-feedback.resolver.js';
import { FeedbackMutationResolver } from '../resolvers/feedback/feedback.mutation.js';
import { FeedbackResolver, feedbackReference } from '../resolvers/feedback/feedback.resolver.js';
import { decryptEncryptedFields } from '../resolvers/decryption/decrypting-fields.js';
import { guardPiiFields } from '../resolvers/guard/pii-guard.js';
import { atomicMutationFields } from '../resolvers/mutation-savepoint.js';
import { buildSubgraph, type SubgraphDefinition } from '../schema/build-subgraph.js';
import { Principal } from '../schema/types/principal.type.js';

export const SUBGRAPHS: Record<SubgraphName, SubgraphDefinition> = {
  customers: { resolvers: [CustomerResolver, CustomerMutationResolver, ConsentMutationResolver, CustomerStatsResolver], references: customerReference },
  feedback: { resolvers: [FeedbackResolver, FeedbackMutationResolver, CustomerFeedbackResolver, FeedbackStatsResolver], references: feedbackReference },
  audit: { resolvers: [AuditEventResolver, MeResolver, PrincipalResolver, PrincipalMutationResolver, GrantRequestResolver, SubjectRequestResolver, ProvisionResolver, UseRestrictionResolver, IncidentResolver, PolicyMatrixResolver, KeyLifecycleResolver, ApiKeyResolver, AccessReviewResolver, AuditVerificationResolver], references: {}, orphanedTypes: [Principal] },
};

const built = new Map<SubgraphName, Promise<GraphQLSchema>>();

/**
 * Schemas are built (and their `@pii` fields guarded) once per process: type-graphql's metadata is
 * global, building is slow, and guarding twice would wrap resolvers twice.
 */
export function subgraphSchema(name: SubgraphName): Promise<GraphQLSchema> {
  let schema = built.get(name);
  // Decryption wraps the stored value first; the guard wraps that, so DENIED never decrypts.
  if (!schema) built.set(name, (schema = unguardedSubgraphSchema(name).then(guardPiiFields)));
  return schema;
}

/**
 * A fresh schema, every field decrypting and every mutation atomic, but without the `@pii` guard:
 * the one step `subgraphSchema` adds. Only for what measures the guard's cost (bench/); no
 * server option or setting leads here.
 */
export function unguardedSubgraphSchema(name: SubgraphName): Promise<GraphQLSchema> {
  return buildSubgraph(SUBGRAPHS[name]).then(decryptEncryptedFields).then(atomicMutationFields);
}
