/**
 * The gateway: a convenience for clients, not a trust boundary. It checks credentials so a bad one
 * fails fast with 401, then forwards them unchanged; every subgraph checks them again itself.
 */
import { ApolloServer } from '@apollo/server';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { MikroORM } from '@mikro-orm/postgresql';
import { authenticate } from '../auth/authenticate.js';
import { formatError } from './format-error.js';
import { serveHttp, type RunningHttp } from './http.js';
import { requestMeta, type RequestMeta } from './request-meta.js';

interface GatewayContext extends RequestMeta {}

const FORWARDED = { authorization: 'authorization', purpose: 'x-koe-purpose', requestId: 'x-request-id' } as const;

export interface GatewayDeps {
  orm: MikroORM;
  jwtSecret: Uint8Array;
  supergraphSdl: string;
}

export async function startGateway(deps: GatewayDeps, host: string, port: number): Promise<RunningHttp> {
  const gateway = new ApolloGateway({
    supergraphSdl: deps.supergraphSdl,
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<GatewayContext>({
        url,
        willSendRequest({ request, context }) {
          const headers = request.http?.headers;
          if (!headers || !context.requestId) return;
          if (context.authorization) headers.set(FORWARDED.authorization, context.authorization);
          if (context.purpose) headers.set(FORWARDED.purpose, context.purpose);
          headers.set(FORWARDED.requestId, context.requestId);
        },
      }),
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError,
    includeStacktraceInErrorResponses: false,
    // The process owner (the CLI) decides how to stop on a signal: Apollo must not re-raise it.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const running = await serveHttp(apollo, {
    host,
    port,
    context: async (req) => {
      const meta = requestMeta(req);
      await authenticate(meta.authorization, deps.orm.em.fork(), { jwtSecret: deps.jwtSecret });
      return meta;
    },
  });
  return { ...running, close: async () => (await running.close(), await apollo.stop()) };
}
