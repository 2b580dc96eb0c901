/**
 * Which servers `koe start` runs, on which ports, and where the gateway finds the subgraphs: one
 * plan for the whole platform in one process, for its server processes, and for a server started
 * alone (`koe start --only <server>`), so every mode agrees on the addresses.
 */
import type { KoeConfig } from '../../../config/index.js';
import { SUBGRAPH_NAMES, type SubgraphName } from '../../../request/context.js';
import { DEFAULT_PORTS } from '../../../server/platform.js';

export type ServerName = SubgraphName | 'gateway';
export const SERVER_NAMES: readonly ServerName[] = ['gateway', ...SUBGRAPH_NAMES];

export function isServerName(name: string): name is ServerName {
  return (SERVER_NAMES as readonly string[]).includes(name);
}

/** What one server process runs: one server, or `all` of them (the gateway calling its own subgraphs without a socket). */
export type ProcessRole = ServerName | 'all';

export function isProcessRole(name: string): name is ProcessRole {
  return name === 'all' || isServerName(name);
}

export interface ServerPlan {
  host: string;
  /** 0: a free port, resolved by whoever starts the server processes. */
  ports: Record<ServerName, number>;
  /** Where the gateway calls each subgraph. */
  subgraphUrls: Record<SubgraphName, string>;
}

/** PORT for the gateway, KOE_<SUBGRAPH>_PORT for each subgraph; PORT=0 makes every unset one free. */
export function serverPlan(config: KoeConfig, host: string, ports: Partial<Record<ServerName, number>> = {}): ServerPlan {
  const anyPort = config.port === 0;
  const resolved = { gateway: ports.gateway ?? config.port ?? DEFAULT_PORTS.gateway } as Record<ServerName, number>;
  for (const name of SUBGRAPH_NAMES) resolved[name] = ports[name] ?? config.subgraphPorts[name] ?? (anyPort ? 0 : DEFAULT_PORTS[name]);
  const scheme = config.tls ? 'https' : 'http';
  const subgraphUrls = {} as Record<SubgraphName, string>;
  for (const name of SUBGRAPH_NAMES) subgraphUrls[name] = config.subgraphUrls[name] ?? `${scheme}://${host}:${resolved[name]}/graphql`;
  return { host, ports: resolved, subgraphUrls };
}

/** The environment that hands a plan with concrete ports to a server process (read back by `serverPlan`). */
export function planEnv(plan: ServerPlan): Record<string, string> {
  return {
    PORT: String(plan.ports.gateway),
    KOE_CUSTOMERS_PORT: String(plan.ports.customers),
    KOE_FEEDBACK_PORT: String(plan.ports.feedback),
    KOE_AUDIT_PORT: String(plan.ports.audit),
    KOE_CUSTOMERS_URL: plan.subgraphUrls.customers,
    KOE_FEEDBACK_URL: plan.subgraphUrls.feedback,
    KOE_AUDIT_URL: plan.subgraphUrls.audit,
  };
}
