/**
 * `koe start` as separate services on one machine: every server (gateway, customers, feedback,
 * audit) in processes of its own, `workers` replicas each, node:cluster workers sharing the
 * server's port (the primary accepts and hands connections round-robin). Each worker is
 * `koe start --only <server>` (serve-one.ts) on the database the primary resolved. With `together`,
 * each worker runs every server instead (`--only all`): `workers` processes, each answering a
 * request from end to end, the gateway calling its own subgraphs without a socket. On a machine with
 * few cores that costs less CPU per request than a hop between processes for every subgraph call.
 *
 * The primary keeps what must be one per machine: the embedded database and its supervision, the
 * admin port (metrics gathered from every worker over IPC), and the order of stopping: the gateway
 * workers drain first, then the subgraphs'. A worker that dies while Koe runs is started again; a
 * worker whose primary is gone exits (serve-one.ts), so none is left behind.
 */
import cluster, { type Worker } from 'node:cluster';
import path from 'node:path';
import { AggregatorRegistry } from 'prom-client';
import type { KoeConfig } from '../../../config/index.js';
import { freePort } from '../../../data/postgres/free-port.js';
import type { SubgraphName } from '../../../request/context.js';
import { PROJECT_ROOT } from '../../runtime.js';
import { planEnv, SERVER_NAMES, serverPlan, type ProcessRole, type ServerName } from './server-plan.js';
import { isKoeMessage, type MetricsJson, type PrimaryMessage, type WorkerMessage } from './worker-messages.js';

export interface ServerProcessesOptions {
  config: KoeConfig;
  host: string;
  /** Replicas per server (with `together`: processes, each running every server). */
  workers: number;
  /** Every server in each worker process (`koe start --together`). */
  together?: boolean;
  /** The policy version the primary loaded: every worker must run the same. */
  policyVersion: string;
  /** Added to every worker's environment (the resolved DATABASE_URL …). */
  env: Record<string, string>;
  log: (line: string) => void;
  /** Start-up wait per worker (loading Koe takes seconds on a busy machine). */
  readyTimeoutMs?: number;
}

export interface ServerProcesses {
  gatewayUrl: string;
  subgraphUrls: Record<SubgraphName, string>;
  /** Worker pids per server (with `together`, every worker under each server). */
  pids(): Record<ServerName, number[]>;
  /** Every worker's metrics, summed (prom-client's cluster aggregation), with the primary's own. */
  scrapeMetrics(own: MetricsJson): Promise<string>;
  /** Gateway workers first, then the subgraphs'; resolves when every worker has exited. */
  stop(): Promise<void>;
}

const KOE_BIN = path.join(PROJECT_ROOT, 'bin', 'koe.js');
const START_ATTEMPTS = 3;
const TIERS: ProcessRole[][] = [['gateway', 'all'], ['customers', 'feedback', 'audit']];

export async function startServerProcesses(opts: ServerProcessesOptions): Promise<ServerProcesses> {
  if (!cluster.isPrimary) throw new Error('koe start: server processes are started from the primary process only');
  // A port 0 is resolved here: cluster workers asking for port 0 would all share one port.
  const wanted = serverPlan(opts.config, opts.host);
  const ports = { ...wanted.ports };
  for (const name of SERVER_NAMES) if (ports[name] === 0) ports[name] = await freePort(0);
  const plan = serverPlan(opts.config, opts.host, ports);
  const env = { ...opts.env, ...planEnv(plan) };
  const timeout = opts.readyTimeoutMs ?? 300_000;
  const servers = new Map<Worker, ProcessRole>();
  const urls = new Map<ProcessRole, string>();
  let stopping = false;

  const fork = (name: ProcessRole): { worker: Worker; ready: Promise<void> } => {
    cluster.setupPrimary({ exec: KOE_BIN, args: ['start', '--only', name, '--host', opts.host], execArgv: [] });
    const worker = cluster.fork(env);
    servers.set(worker, name);
    let serving = false;
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start within ${Math.round(timeout / 1000)} s`)), timeout);
      worker.on('message', (m: unknown) => {
        if (!isKoeMessage<WorkerMessage>(m)) return;
        if (m.koe === 'ready') {
          clearTimeout(timer);
          if (m.policyVersion !== opts.policyVersion) reject(new Error(`${name} loaded policy ${m.policyVersion}, not ${opts.policyVersion}: the policy files changed during start-up`));
          urls.set(name, m.url);
          serving = true;
          resolve();
        }
        if (m.koe === 'failed') (clearTimeout(timer), reject(new Error(`${name} failed to start: ${m.error}`)));
      });
      worker.once('exit', (code, signal) => (clearTimeout(timer), reject(new Error(`${name} exited while starting (${signal ?? `code ${code}`})`))));
    });
    worker.once('exit', (code, signal) => {
      servers.delete(worker);
      if (stopping || !serving) return;
      // Serving goes on with the other replicas meanwhile; a replacement joins the same port.
      opts.log(`koe: the ${name} process ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another`);
      setTimeout(() => !stopping && void fork(name).ready.catch((e: unknown) => opts.log(`koe: ${e instanceof Error ? e.message : String(e)}`)), 1000);
    });
    return { worker, ready };
  };

  const stop = async () => {
    stopping = true;
    for (const tier of TIERS) {
      const workers = [...servers].filter(([, name]) => tier.includes(name)).map(([w]) => w);
      await Promise.all(workers.map((w) => stopWorker(w, opts.config.shutdownGraceMs + 10_000)));
    }
  };

  // A worker that fails to start (a connection timed out on a machine busy starting the others) is
  // tried again before start-up gives up.
  const started = async (name: ProcessRole): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fork(name).ready;
      } catch (e) {
        if (stopping || attempt >= START_ATTEMPTS) throw e;
        opts.log(`koe: ${e instanceof Error ? e.message : String(e)}; trying again (${attempt + 1} of ${START_ATTEMPTS})`);
      }
    }
  };
  try {
    const roles: readonly ProcessRole[] = opts.together ? ['all'] : SERVER_NAMES;
    await Promise.all(roles.flatMap((name) => Array.from({ length: opts.workers }, () => started(name))));
  } catch (e) {
    await stop();
    throw e;
  }

  let nextScrape = 0;
  return {
    gatewayUrl: urls.get(opts.together ? 'all' : 'gateway')!,
    subgraphUrls: opts.together ? plan.subgraphUrls : { customers: urls.get('customers')!, feedback: urls.get('feedback')!, audit: urls.get('audit')! },
    pids: () => {
      const out = Object.fromEntries(SERVER_NAMES.map((n) => [n, [] as number[]])) as Record<ServerName, number[]>;
      for (const [w, name] of servers) if (w.process.pid) for (const n of name === 'all' ? SERVER_NAMES : [name]) out[n].push(w.process.pid);
      return out;
    },
    scrapeMetrics: async (own) => {
      const id = ++nextScrape;
      const answers = await Promise.all([...servers.keys()].map((w) => askMetrics(w, id)));
      return AggregatorRegistry.aggregate([own, ...answers.filter((a): a is MetricsJson => a !== null)]).metrics();
    },
    stop,
  };
}

/** A worker's metrics, or null when it does not answer within a second (it is restarting or stopping). */
function askMetrics(worker: Worker, id: number): Promise<MetricsJson | null> {
  return new Promise((resolve) => {
    const done = (value: MetricsJson | null) => (clearTimeout(timer), worker.off('message', onMessage), resolve(value));
    const onMessage = (m: unknown) => isKoeMessage<WorkerMessage>(m) && m.koe === 'metrics' && m.id === id && done(m.metrics);
    const timer = setTimeout(() => done(null), 1000);
    worker.on('message', onMessage);
    send(worker, { koe: 'metrics', id });
  });
}

function send(worker: Worker, m: PrimaryMessage): void {
  if (worker.isConnected()) worker.send(m, (err: Error | null) => void err);
}

/** Asks the worker to drain and exit; kills it if it is still there after `ms`. */
function stopWorker(worker: Worker, ms: number): Promise<void> {
  if (worker.isDead()) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => worker.process.kill('SIGKILL'), ms);
    worker.once('exit', () => (clearTimeout(timer), resolve()));
    send(worker, { koe: 'stop' });
  });
}
