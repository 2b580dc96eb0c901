/** Which types and resolvers make up each subgraph. */
import type { GraphQLSchema } from 'graphql';
import { AuditEventResolver } from '../resolvers/audit/audit.resolver.js';
import { GrantRequestResolver } from '../resolvers/audit/grant-request.resolver.js';
import { MeResolver } from '../resolvers/audit/me.resolver.js';
import { PrincipalMutationResolver } from '../resolvers/audit/principal.mutation.js';
import { PolicyMatrixResolver } from '../resolvers/audit/policy-matrix.resolver.js';
import { PrincipalResolver } from '../resolvers/audit/principal.resolver.js';
import { ProvisionResolver } from '../resolvers/audit/provision.resolver.js';
import { SubjectRequestResolver } from '../resolvers/audit/subject-request.mutation.js';
import { UseRestrictionResolver } from '../resolvers/audit/use-restriction.mutation.js';
import type { SubgraphName } from '../request/context.js';
import { ConsentMutationResolver } from '../resolvers/customers/consent.mutation.js';
import { CustomerMutationResolver } from '../resolvers/customers/customer.mutation.js';
import { CustomerResolver, customerReference } from '../resolvers/customers/customer.resolver.js';
import { CustomerFeedbackResolver } from '../resolvers/feedback/customer-feedback.resolver.js';
import { FeedbackMutationResolver } from '../resolvers/feedback/feedback.mutation.js';
import { FeedbackResolver, feedbackReference } from '../resolvers/feedback/feedback.resolver.js';
import { decryptEncryptedFields } from '../resolvers/crypto/decrypting-fields.js';
import { guardPiiFields } from '../resolvers/guard/pii-guard.js';
import { atomicMutationFields } from '../resolvers/mutation-savepoint.js';
import { buildSubgraph, type SubgraphDefinition } from '../schema/build-subgraph.js';
import { Principal } from '../schema/types/principal.type.js';

export const SUBGRAPHS: Record<SubgraphName, SubgraphDefinition> = {
  customers: { resolvers: [CustomerResolver, CustomerMutationResolver, ConsentMutationResolver], references: customerReference },
  feedback: { resolvers: [FeedbackResolver, FeedbackMutationResolver, CustomerFeedbackResolver], references: feedbackReference },
  audit: { resolvers: [AuditEventResolver, MeResolver, PrincipalResolver, PrincipalMutationResolver, GrantRequestResolver, SubjectRequestResolver, ProvisionResolver, UseRestrictionResolver, PolicyMatrixResolver], references: {}, orphanedTypes: [Principal] },
};

const built = new Map<string, Promise<GraphQLSchema>>();

/**
 * Schemas are built (and their `@pii` fields guarded) once per process: type-graphql's metadata is
 * global, building is slow, and guarding twice would wrap resolvers twice. `guard: false` exists
 * only for the benchmark that measures what enforcement costs; no configuration reaches it.
 */
export function subgraphSchema(name: SubgraphName, opts: { guard?: boolean } = {}): Promise<GraphQLSchema> {
  const guard = opts.guard ?? true;
  const key = `${name}:${guard}`;
  let schema = built.get(key);
  if (!schema) {
    // Decryption wraps the stored value first; the guard wraps that, so DENIED never decrypts.
    const raw = buildSubgraph(SUBGRAPHS[name]).then(decryptEncryptedFields).then(atomicMutationFields);
    built.set(key, (schema = guard ? raw.then(guardPiiFields) : raw));
  }
  return schema;
}
