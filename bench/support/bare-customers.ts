/**
 * The customers subgraph on a bare Apollo server (no audit recorder, limits or request log), with a
 * schema of the benchmark's choosing, and the one schema no configuration can reach: Koe's guard
 * without decryption, where each encrypted Customer field reads the stored ciphertext as it is.
 * Both decrypt-benchmark variants run on this same server, so they differ only in decryption.
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { isObjectType, type GraphQLSchema } from 'graphql';
import { ENCRYPTED_FIELDS } from '../../src/data/encryption/index.js';
import type { KoeContext } from '../../src/request/context.js';
import { guardPiiFields } from '../../src/resolvers/guard/pii-guard.js';
import { buildSubgraph } from '../../src/schema/build-subgraph.js';
import { SUBGRAPHS } from '../../src/server/subgraphs.js';
import { serveHttp, type RunningHttp } from '../../src/server/http.js';
import { requestContext, type SubgraphDeps } from '../../src/server/subgraph-server.js';

/** A fresh customers schema, guarded like production, whose encrypted Customer fields return the ciphertext. */
export async function ciphertextCustomersSchema(): Promise<GraphQLSchema> {
  const schema = await buildSubgraph(SUBGRAPHS.customers);
  const customer = schema.getType('Customer');
  if (!isObjectType(customer)) throw new Error('the customers schema has no Customer type');
  for (const [fieldName, spec] of Object.entries(ENCRYPTED_FIELDS.Customer!)) {
    const field = customer.getFields()[fieldName];
    if (!field) continue;
    field.resolve = (source: Record<string, unknown>) => source[spec.property] ?? null;
  }
  return guardPiiFields(schema);
}

export async function startBareCustomers(deps: SubgraphDeps, schema: GraphQLSchema): Promise<RunningHttp> {
  const apollo = new ApolloServer<KoeContext>({ schema, stopOnTerminationSignals: false, plugins: [ApolloServerPluginInlineTraceDisabled()] });
  await apollo.start();
  const running = await serveHttp(apollo, { host: '127.0.0.1', port: 0, context: requestContext('customers', deps) });
  return { ...running, close: async () => (await running.close(), await apollo.stop()) };
}
