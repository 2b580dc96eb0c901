/**
 * A minimal CX dashboard client: prints the newest negative feedback through the gateway with the
 * typed documents that `npm run codegen` makes from `negative-feedback.graphql`. Columns the caller's role may not read come back as null
 * with a FORBIDDEN error per field; the script shows them as "(hidden)" and carries on.
 *
 *   KOE_TOKEN=<token from npm start> npx tsx examples/dashboard/dashboard.ts
 */
import { ClientError, GraphQLClient } from 'graphql-request';
import { NegativeFeedbackDocument, type NegativeFeedbackQuery } from './generated/graphql.js';

export async function fetchNegativeFeedback(client: GraphQLClient, first = 10): Promise<NegativeFeedbackQuery> {
  try {
    return await client.request(NegativeFeedbackDocument, { first });
  } catch (e) {
    // Partial data (some fields DENIED) still renders; anything else is a real failure.
    if (e instanceof ClientError && e.response.data) return e.response.data as NegativeFeedbackQuery;
    throw e;
  }
}

async function main(): Promise<void> {
  const token = process.env.KOE_TOKEN;
  if (!token) throw new Error('set KOE_TOKEN to a token printed by `npm start`');
  const url = process.env.KOE_URL ?? 'http://127.0.0.1:4000/graphql';
  const client = new GraphQLClient(url, { headers: { authorization: `Bearer ${token}` } });
  const data = await fetchNegativeFeedback(client);
  console.log(`${data.feedbacks.totalCount} negative feedback items; newest ${data.feedbacks.edges.length}:`);
  for (const { node } of data.feedbacks.edges) {
    const who = node.customer ? `${node.customer.name ?? '(hidden)'} <${node.customer.email ?? '(hidden)'}>` : '(anonymous)';
    console.log(`- ${node.receivedAt} ${node.channel} ★${node.rating ?? '-'} ${who}\n  ${node.body ?? '(hidden)'}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
