/** The whole of Koe in one process: three subgraphs and the gateway in front of them. */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { SubgraphName } from '../resolvers/context.js';
import { SUBGRAPH_NAMES } from '../schema/subgraphs.js';
import { startGateway } from './gateway.js';
import type { RunningHttp } from './http.js';
import { startSubgraph, type SubgraphDeps } from './subgraph-server.js';
import { composeSupergraph } from './supergraph.js';

export const DEFAULT_PORTS: Record<SubgraphName | 'gateway', number> = { gateway: 4000, customers: 4001, feedback: 4002, audit: 4003 };

export interface PlatformOptions extends SubgraphDeps {
  orm: MikroORM;
  host?: string;
  /** 0 picks a free port (tests). */
  ports?: Partial<Record<SubgraphName | 'gateway', number>>;
}

export interface Platform {
  gatewayUrl: string;
  subgraphUrls: Record<SubgraphName, string>;
  stop(): Promise<void>;
}

export async function startPlatform(opts: PlatformOptions): Promise<Platform> {
  const host = opts.host ?? '127.0.0.1';
  const ports = { ...DEFAULT_PORTS, ...opts.ports };
  const started: RunningHttp[] = [];
  const stop = async () => {
    await Promise.allSettled(started.reverse().map((s) => s.close()));
  };
  try {
    const subgraphUrls = {} as Record<SubgraphName, string>;
    for (const name of SUBGRAPH_NAMES) {
      const running = await startSubgraph(name, opts, host, ports[name]);
      started.push(running);
      subgraphUrls[name] = running.url;
    }
    const supergraphSdl = await composeSupergraph(subgraphUrls);
    const gateway = await startGateway({ orm: opts.orm, jwtSecret: opts.jwtSecret, supergraphSdl }, host, ports.gateway);
    started.push(gateway);
    return { gatewayUrl: gateway.url, subgraphUrls, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
