/** The supergraph composed at start-up from the subgraphs' own SDL: no registry, no polling. */
import { composeServices } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { SubgraphName } from '../request/context.js';
import { SUBGRAPH_NAMES } from '../request/context.js';
import { subgraphSchema } from './subgraphs.js';

export async function composeSupergraph(urls: Partial<Record<SubgraphName, string>> = {}): Promise<string> {
  const services = await Promise.all(
    SUBGRAPH_NAMES.map(async (name) => ({
      name,
      url: urls[name] ?? `http://127.0.0.1/${name}`,
      typeDefs: parse(printSubgraphSchema(await subgraphSchema(name))),
    })),
  );
  const result = composeServices(services);
  if (result.errors) {
    throw new Error(`Supergraph composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return result.supergraphSdl;
}
