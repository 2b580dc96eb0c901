/**
 * `koe start --only <server>`: one server (the gateway or one subgraph) in this process, on its own
 * port with its own `/readyz`, as a separate service is deployed; `--only all`: every server in this
 * process, the gateway calling its subgraphs without a socket (what each worker of `--together` runs). It neither migrates nor seeds
 * (`koe migrate` does; `/readyz` answers 503 while a migration is pending). Run by `koe start` as
 * a node:cluster worker, it reports to the primary instead of printing, stops when the primary
 * tells it to (the primary orders the stop: gateway first, then the subgraphs) and exits when the
 * primary is gone, so no server process outlives `koe start`.
 */
import cluster from 'node:cluster';
import { processMetrics } from '../../../server/ops/metrics.js';
import { samplePool, startAdminServer } from '../../../server/ops/admin-server.js';
import { readinessOf } from '../../../server/ops/readiness.js';
import { serverOps } from '../../../server/ops/server-ops.js';
import { startGatewayOf, startPlatform } from '../../../server/platform.js';
import { loadPolicy } from '../../../server/policy.js';
import { recordPolicyVersion } from '../../../audit/policy-version-record.js';
import { startSubgraph, type SubgraphDeps } from '../../../server/subgraph-server.js';
import { assertCertificateNames, readTls } from '../../../server/tls.js';
import { cliConfig, cliPolicyDir, openRuntime } from '../../runtime.js';
import { serverPlan, type ProcessRole, type ServerPlan } from './server-plan.js';
import { isKoeMessage, type PrimaryMessage, type WorkerMessage } from './worker-messages.js';

export async function serveOne(name: ProcessRole, host: string): Promise<void> {
  const worker = cluster.isWorker;
  const tell = (m: WorkerMessage) => process.send?.(m);
  const say = worker ? () => {} : (l: string) => console.log(l);
  const config = cliConfig();
  const policy = await loadPolicy(cliPolicyDir());
  const tls = readTls(config.tls);
  if (tls) assertCertificateNames(tls, host);
  const rt = await openRuntime(say, 'tool');
  try {
    const plan = serverPlan(config, host);
    // Each server of a split deployment may be the first to run under a version (on conflict: no-op).
    await recordPolicyVersion((q, params = []) => rt.orm.em.getConnection().execute(q, params), policy);
    const ops = serverOps(rt.orm, config);
    const deps: SubgraphDeps = {
      config,
      orm: rt.orm,
      crypto: await rt.crypto(),
      jwtSecret: rt.secrets.jwtSecret,
      pseudonymKey: rt.secrets.pseudonymKey,
      policy,
      checkpointKey: rt.checkpointKey(),
      tls,
      ops,
    };
    const running =
      name === 'all' ? await allServers(deps, host, plan)
      : name === 'gateway' ? await startGatewayOf(deps, plan.subgraphUrls, host, plan.ports.gateway)
      : await startSubgraph(name, deps, host, plan.ports[name]);
    // A server started alone serves its metrics when asked to (KOE_ADMIN_PORT); a worker's are gathered by the primary.
    const admin = !worker && config.adminPort !== null ? await startAdminServer(ops.metrics, rt.orm, host, config.adminPort, readinessOf(rt.orm, () => true)) : null;
    let stopping: Promise<void> | null = null;
    const stop = () =>
      (stopping ??= (async () => {
        for (const step of [() => running.close(), async () => admin?.close(), () => rt.close()]) await step().catch(() => {});
        process.exit(0);
      })());
    if (worker) {
      // Ctrl-C reaches every process of the group: the primary decides the order, so the signal is ignored here.
      process.on('SIGINT', () => {});
      process.on('SIGTERM', () => {});
      process.on('disconnect', () => void stop());
      process.on('message', (m: unknown) => {
        if (!isKoeMessage<PrimaryMessage>(m)) return;
        if (m.koe === 'stop') void stop();
        if (m.koe === 'metrics') {
          samplePool(processMetrics(), rt.orm);
          void processMetrics().registry.getMetricsAsJSON().then((metrics) => tell({ koe: 'metrics', id: m.id, metrics }));
        }
      });
      tell({ koe: 'ready', server: name, url: running.url, policyVersion: policy.version });
    } else {
      process.on('SIGINT', () => void stop());
      process.on('SIGTERM', () => void stop());
      say(startedLine(name, running.url, admin?.url ?? null, plan, policy.version));
    }
  } catch (e) {
    tell({ koe: 'failed', server: name, error: e instanceof Error ? e.message : String(e) });
    await rt.close();
    throw e;
  }
}

/** Every server on the plan's ports; closing stops them in the platform's order (gateway first). */
async function allServers(deps: SubgraphDeps, host: string, plan: ServerPlan): Promise<{ url: string; close(): Promise<void> }> {
  const platform = await startPlatform({ ...deps, host, ports: plan.ports, adminPort: null });
  return { url: platform.gatewayUrl, close: platform.stop };
}

function startedLine(name: ProcessRole, url: string, metrics: string | null, plan: ServerPlan, policyVersion: string): string {
  const lines = [`Koe ${name} is up (policy ${policyVersion}).`, `  ${name.padEnd(10)} ${url}`];
  if (metrics) lines.push(`  ${'metrics'.padEnd(10)} ${metrics}`);
  if (name === 'all') lines.push(`  customers, feedback and audit on ports ${plan.ports.customers}, ${plan.ports.feedback}, ${plan.ports.audit}, called by this gateway without a socket`);
  if (name === 'gateway') {
    const urls = plan.subgraphUrls;
    lines.push(`  calling customers ${urls.customers}, feedback ${urls.feedback}, audit ${urls.audit} (KOE_<SUBGRAPH>_URL)`);
  }
  lines.push('Ctrl-C stops it.');
  return lines.join('\n');
}
