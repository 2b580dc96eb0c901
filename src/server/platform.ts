/** The whole of Koe in one process: three subgraphs and the gateway in front of them. */
import type { MikroORM } from '@mikro-orm/postgresql';
import { recordPolicyVersion } from '../audit/policy-version-record.js';
import { loadConfig, type KoeConfig } from '../config/index.js';
import type { SubgraphName } from '../request/context.js';
import { SUBGRAPH_NAMES } from '../request/context.js';
import { startGateway } from './gateway.js';
import type { RunningHttp } from './http.js';
import type { LocalCall } from './local-call.js';
import { DEFAULT_ADMIN_PORT, startAdminServer } from './ops/admin-server.js';
import { readinessOf } from './ops/readiness.js';
import { opsOf, serverOps, type OpsOptions } from './ops/server-ops.js';
import { ENFORCED, startSubgraph, type SubgraphAssembly, type SubgraphDeps } from './subgraph-server.js';
import { alertOptions } from './subgraph-plugins.js';
import { composeSupergraph } from './supergraph.js';
import { assertCertificateNames } from './tls.js';

export const DEFAULT_PORTS: Record<SubgraphName | 'gateway', number> = { gateway: 4000, customers: 4001, feedback: 4002, audit: 4003 };

export interface PlatformOptions extends Omit<SubgraphDeps, 'config'>, OpsOptions {
  orm: MikroORM;
  /** The settings the CLI loaded at start-up; absent (tests, benchmarks): loaded here, once. */
  config?: KoeConfig;
  host?: string;
  /** 0 picks a free port (tests). */
  ports?: Partial<Record<SubgraphName | 'gateway', number>>;
  /** Prometheus `/metrics`; `null` serves none (the default when unset: none, the CLI passes one). */
  adminPort?: number | null;
  /**
   * How the gateway calls the subgraphs of this process: `in-process` (the default) through the same
   * answer path without a socket (src/server/local-call.ts), `http` over their ports as a gateway
   * elsewhere would (tests of the wire, and the benchmark that compares the two).
   */
  subgraphCalls?: 'in-process' | 'http';
}

export interface Platform {
  gatewayUrl: string;
  subgraphUrls: Record<SubgraphName, string>;
  /** Set when an admin port was asked for. */
  metricsUrl: string | null;
  stop(): Promise<void>;
}

export { DEFAULT_ADMIN_PORT };

/** `assembly`: what each subgraph serves; anything but ENFORCED is for bench/ only. */
export async function startPlatform(opts: PlatformOptions, assembly: SubgraphAssembly = ENFORCED): Promise<Platform> {
  const host = opts.host ?? '127.0.0.1';
  const ports = { ...DEFAULT_PORTS, ...opts.ports };
  const config = opts.config ?? loadConfig();
  const ops = opts.ops ?? serverOps(opts.orm, config, opts);
  const deps: SubgraphDeps = { ...opts, config, ops };
  // The gateway checks the subgraphs' certificate against the address it calls them at.
  if (opts.tls) assertCertificateNames(opts.tls, host);
  // Tiers stop in order: the gateway drains while the subgraphs still answer its in-flight fetches,
  // then the subgraphs drain, and the admin port (metrics) goes last.
  const tiers: Array<Array<Pick<RunningHttp, 'close'>>> = [[], [], []];
  const stop = async () => {
    for (const tier of tiers.splice(0)) await Promise.allSettled(tier.map((s) => s.close()));
  };
  try {
    // Before the first request: the evidence pack diffs the versions in force by their recorded content.
    await recordPolicyVersion((q, params = []) => opts.orm.em.getConnection().execute(q, params), deps.policy);
    const subgraphUrls = {} as Record<SubgraphName, string>;
    const inProcess = new Map<string, LocalCall>();
    for (const name of SUBGRAPH_NAMES) {
      const running = await startSubgraph(name, deps, host, ports[name], assembly);
      tiers[1]!.push(running);
      subgraphUrls[name] = running.url;
      if (running.call && opts.subgraphCalls !== 'http') inProcess.set(running.url, running.call);
    }
    const gateway = await startGatewayOf(deps, subgraphUrls, host, ports.gateway, assembly, inProcess);
    tiers[0]!.push(gateway);
    // The admin port stays plain HTTP even with TLS: it is for loopback scrapes and ops only.
    const readiness = readinessOf(opts.orm, () => opts.policy !== undefined);
    const admin = opts.adminPort == null ? null : await startAdminServer(ops.metrics, opts.orm, host, opts.adminPort, readiness);
    if (admin) tiers[2]!.push(admin);
    ops.log.info({ gateway: gateway.url, subgraphs: subgraphUrls, metrics: admin?.url ?? null }, 'platform started');
    return { gatewayUrl: gateway.url, subgraphUrls, metricsUrl: admin?.url ?? null, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The gateway in front of subgraphs at `subgraphUrls` (in this process or elsewhere): it composes their supergraph locally. */
export async function startGatewayOf(deps: SubgraphDeps, subgraphUrls: Record<SubgraphName, string>, host: string, port: number, assembly: SubgraphAssembly = ENFORCED, inProcess?: ReadonlyMap<string, LocalCall>): Promise<RunningHttp> {
  const ops = opsOf(deps);
  const supergraphSdl = await composeSupergraph(subgraphUrls);
  const gatewayDeps = { orm: deps.orm, jwtSecret: deps.jwtSecret, supergraphSdl, config: deps.config, ops, tls: deps.tls ?? null, alerts: alertOptions(deps.policy, ops), policyVersion: deps.policy.version, edgeAudit: assembly.edgeAudit, roles: deps.policy.roles, policy: deps.policy, ...(inProcess?.size ? { inProcess } : {}), ...(deps.checkpointKey !== undefined ? { checkpointKey: deps.checkpointKey } : {}) };
  return startGateway(gatewayDeps, host, port);
}
