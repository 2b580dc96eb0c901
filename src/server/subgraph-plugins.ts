/**
 * The Apollo plugins every subgraph runs, in order. One line per concern; each plugin is a small
 * factory in its own module (audit recorder, query limits, metrics …).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { KoeContext, SubgraphName } from '../resolvers/context.js';
import type { SubgraphDeps } from './subgraph-server.js';

export function subgraphPlugins(_name: SubgraphName, _deps: SubgraphDeps): ApolloServerPlugin<KoeContext>[] {
  return [
    // Traces would carry timing per field to whoever asks; Koe reports nothing to Apollo's cloud.
    ApolloServerPluginInlineTraceDisabled(),
  ];
}
