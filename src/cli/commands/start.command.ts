import type { Command } from 'commander';
import type { KoeConfig, TlsPaths } from '../../config/index.js';
import type { PolicySet } from '../../policies/index.js';
import type { FieldCrypto } from '../../data/encryption/index.js';
import { processMetrics } from '../../server/ops/metrics.js';
import { samplePool, startAdminServer } from '../../server/ops/admin-server.js';
import { readinessOf } from '../../server/ops/readiness.js';
import type { TlsMaterial } from '../../server/tls.js';
import { dutyWarnings, separationOfDutiesViolations } from '../../auth/access-review.js';
import { DEFAULT_TOKEN_TTL_SECONDS, issueToken } from '../../auth/jwt.js';
import { seedDemoData } from '../../data/demo-seed.js';
import { migrateAll } from '../../data/migrate.js';
import { DEMO_PRINCIPALS } from '../../data/seed/demo-data.js';
import { loadPolicy } from '../../server/policy.js';
import { DEFAULT_ADMIN_PORT, DEFAULT_PORTS, startPlatform } from '../../server/platform.js';
import { assertCertificateNames, readTls } from '../../server/tls.js';
import { cliConfig, cliPolicyDir, openRuntime, type Runtime } from '../runtime.js';
import { serveOne } from './start/serve-one.js';
import { isProcessRole, SERVER_NAMES, serverPlan } from './start/server-plan.js';
import { startServerProcesses } from './start/server-processes.js';
import { DEFAULT_BI_ROLE, DEFAULT_BI_SCHEMA } from '../../data/bi/index.js';
import { scheduleBiSync, type BiSyncSchedule } from '../../server/bi-sync-runner.js';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description(
      'start the gateway and the three subgraphs (embedded PostgreSQL when DATABASE_URL is unset), migrating and seeding demo data once; ' +
        'each server runs in processes of its own, KOE_WORKERS (default 1) per server sharing its port',
    )
    .option('--no-seed', 'do not load demo data into an empty database')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--only <server>', 'run one server alone, as a separate service: gateway (PORT, calls KOE_CUSTOMERS_URL …), customers (KOE_CUSTOMERS_PORT), feedback or audit, or all of them in this process; no migration, no seed')
    .option('--single-process', 'run every server in this one process (as the tests do)')
    .option('--together', 'run every server in each of KOE_WORKERS processes sharing the ports, the gateway calling its own subgraphs without a socket (less CPU per request on a machine with few cores)')
    .action(async (opts: { seed: boolean; host: string; only?: string; singleProcess?: boolean; together?: boolean }) => {
      if (opts.only !== undefined) {
        if (!isProcessRole(opts.only)) throw new Error(`--only takes one of ${SERVER_NAMES.join(', ')} or all, got "${opts.only}"`);
        return serveOne(opts.only, opts.host);
      }
      if (opts.singleProcess && opts.together) throw new Error('--single-process and --together are two different layouts: choose one');
      const say = (l: string) => console.log(l);
      // Every setting is checked here, before anything listens: a malformed KOE_MAX_TOKEN_TTL, a
      // half-set KOE_TLS_CERT/KOE_TLS_KEY or KOE_JWKS_URL without issuer and audience stops start-up
      // with every problem listed; the servers are handed these settings and never read the environment.
      const config = cliConfig();
      const tokenTtl = Math.min(DEFAULT_TOKEN_TTL_SECONDS, config.limits.maxTokenTtlSeconds);
      // A bad policy file stops start-up before anything listens (the error names file and line).
      const policy = await loadPolicy(cliPolicyDir());
      say(`Policy ${policy.version} loaded from ${cliPolicyDir()}`);
      // Likewise a mismatched or unreadable certificate or key: never fall back to plain HTTP.
      const tls = readTls(config.tls);
      // Checked here, once, for every layout: in split mode each worker would otherwise fail alone
      // (and be retried) before start-up gave up.
      if (tls) assertCertificateNames(tls, opts.host);
      if (tls && config.tls) say(`HTTPS on: certificate ${config.tls.cert}${config.tls.ca ? `, subgraphs trusted via ${config.tls.ca}` : ''}`);
      const rt = await openRuntime(say, 'server');
      let stopping: Promise<void> | null = null;
      let biSchedule: BiSyncSchedule | null = null;
      // The embedded database stops on the same signal by itself, so a step here may find its
      // connection gone: each step is tried on its own and shutdown always finishes.
      const shutdown = (platformStop: () => Promise<void>) => {
        stopping ??= (async () => {
          say('\nStopping: no new requests, waiting for those in flight…');
          for (const step of [async () => biSchedule?.stop(), platformStop, () => rt.close()]) {
            await step().catch((e: unknown) => say(`  (while stopping: ${e instanceof Error ? e.message : String(e)})`));
          }
          say('Stopped.');
        })();
        return stopping;
      };
      try {
        const { applied, crypto, encrypted, piiScanned, birthYears } = await migrateAll(rt.orm, rt.keyRing().provider, {}, config.fieldCrypto);
        if (applied.length) say(`Migrations applied: ${applied.join(', ')}`);
        const sealed = Object.entries(encrypted).filter(([, n]) => n > 0);
        if (sealed.length) say(`Encrypted rows stored in plaintext: ${sealed.map(([t, n]) => `${t} ${n}`).join(', ')}`);
        if (piiScanned) say(`Computed piiFlags of feedback stored before them: ${piiScanned} rows`);
        if (birthYears) say(`Filled the birth year (age bands) of customers stored before it: ${birthYears} rows`);
        if (opts.seed) {
          const seeded = await seedDemoData(rt.orm, rt.secrets.pseudonymKey, crypto);
          if (seeded.seeded) say(`Demo data seeded: ${JSON.stringify(seeded.counts)}`);
        }
        // Grants that predate a separation-of-duties rule: warned about, never a reason to stay down.
        for (const line of dutyWarnings(await separationOfDutiesViolations(rt.orm.em.fork(), policy))) console.error(line);
        const servers = opts.singleProcess
          ? await inOneProcess(config, rt, crypto, policy, tls, opts.host)
          : await inServerProcesses(config, rt, policy.version, opts.host, opts.together === true, (l) => console.error(l));
        const platform = { stop: servers.stop };
        // KOE_BI_SYNC_INTERVAL: the BI schema kept up to date as bi_readonly reads it (docs/bi.md), from this
        // process whatever the server layout: one sync at a time, stopped before the database.
        if (config.bi.syncIntervalSeconds) {
          const actor = { id: 'koe:bi-sync', roles: [], policyVersion: policy.version, via: 'cli' as const };
          const biOpts = { policy, crypto, maskContext: { pseudonymKey: rt.secrets.pseudonymKey } };
          biSchedule = scheduleBiSync(() => rt.orm.em.fork(), actor, biOpts, config.bi.syncIntervalSeconds, (l) => console.error(l));
          say(`BI sync every ${config.bi.syncIntervalSeconds} s into ${DEFAULT_BI_SCHEMA} as ${DEFAULT_BI_ROLE}`);
        }
        // `on`, not `once`: a terminal's Ctrl-C reaches this process twice (directly and relayed by
        // tsx/npm), and a second signal with no listener would kill it halfway through stopping.
        const onSignal = () => void shutdown(platform.stop).then(() => process.exit(0));
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        const urls = { ...servers.subgraphUrls, ...(servers.metricsUrl ? { metrics: servers.metricsUrl } : {}) };
        // One write, after the tokens are minted: a log line (the gateway asking the subgraphs for their
        // schemas, a first request) never lands between the URLs and the tokens.
        say(await welcome(servers.gatewayUrl, urls, rt.secrets.jwtSecret, tokenTtl, rt.databaseSource, config.tls, servers.processes));
      } catch (e) {
        await rt.close();
        throw e;
      }
    });
}

interface RunningServers {
  gatewayUrl: string;
  subgraphUrls: Record<string, string>;
  metricsUrl: string | null;
  /** For the banner: how the servers run. */
  processes: string;
  stop(): Promise<void>;
}

/** Every server in this process (`--single-process`). */
async function inOneProcess(config: KoeConfig, rt: Runtime, crypto: FieldCrypto, policy: PolicySet, tls: TlsMaterial | null, host: string): Promise<RunningServers> {
  const port = config.port ?? DEFAULT_PORTS.gateway;
  const plan = serverPlan(config, host);
  const platform = await startPlatform({
    config,
    orm: rt.orm,
    crypto,
    jwtSecret: rt.secrets.jwtSecret,
    pseudonymKey: rt.secrets.pseudonymKey,
    policy,
    // Checkpoints are signed with the key ring's key, KOE_MASTER_KEY or the development key file alike.
    checkpointKey: rt.checkpointKey(),
    host,
    // PORT=0: every server on a free port (tests, the fault suite); the banner prints them.
    ports: port === 0 ? { gateway: 0, customers: 0, feedback: 0, audit: 0 } : plan.ports,
    tls,
    // Prometheus scrapes here; request logs go to stdout as JSON lines (LOG_LEVEL).
    adminPort: config.adminPort ?? DEFAULT_ADMIN_PORT,
  });
  return { ...platform, processes: 'one process' };
}

/** Each server in processes of its own, KOE_WORKERS per server; this process keeps the database and the admin port. */
async function inServerProcesses(config: KoeConfig, rt: Runtime, policyVersion: string, host: string, together: boolean, log: (l: string) => void): Promise<RunningServers> {
  const servers = await startServerProcesses({ config, host, workers: config.workers, together, policyVersion, env: { DATABASE_URL: rt.databaseUrl }, log });
  const metrics = processMetrics();
  const scrape = () => (samplePool(metrics, rt.orm), metrics.registry.getMetricsAsJSON().then((own) => servers.scrapeMetrics(own)));
  const admin = await startAdminServer(metrics, rt.orm, host, config.adminPort ?? DEFAULT_ADMIN_PORT, readinessOf(rt.orm, () => true), scrape).catch(async (e: unknown) => {
    await servers.stop();
    throw e;
  });
  const pids = servers.pids();
  const count = new Set(Object.values(pids).flat()).size;
  return {
    gatewayUrl: servers.gatewayUrl,
    subgraphUrls: servers.subgraphUrls,
    metricsUrl: admin.url,
    processes: together ? `${count} server processes, each running every server (KOE_WORKERS, --together)` : `${count} server processes, ${config.workers} per server (KOE_WORKERS)`,
    stop: async () => {
      await servers.stop();
      await admin.close();
    },
  };
}

async function welcome(gatewayUrl: string, subgraphs: Record<string, string>, secret: Uint8Array, tokenTtl: number, dbSource: string, tls: TlsPaths | null, processes: string): Promise<string> {
  const lines = ['', `Koe is up (database: ${dbSource}; ${processes}).`, `  gateway    ${gatewayUrl}`];
  for (const [name, url] of Object.entries(subgraphs)) lines.push(`  ${name.padEnd(10)} ${url}`);
  lines.push('', `Demo tokens (valid ${Math.round((tokenTtl / 3600) * 10) / 10} h; \`npx koe token <principal>\` mints more):`);
  lines.splice(3, 0, `  console    ${gatewayUrl.replace(/\/graphql$/, '/console')}   (sign in with a token below)`);
  let sample = '';
  for (const p of DEMO_PRINCIPALS.filter((d) => d.status === 'active')) {
    const token = await issueToken(secret, p.id, tokenTtl);
    sample ||= token;
    lines.push(`  ${p.roles.join(',').padEnd(14)} ${p.id.padEnd(16)} ${token}`);
  }
  // A self-signed certificate: curl must be told to trust it.
  const trust = tls ? ` --cacert ${tls.ca ?? tls.cert}` : '';
  lines.push(
    '',
    'Try:',
    `  curl -s${trust} ${gatewayUrl} -H 'content-type: application/json' \\`,
    `    -H 'authorization: Bearer ${sample}' \\`,
    `    -d '{"query":"{ feedbacks(first: 3) { totalCount edges { node { channel body customer { name email } } } } }"}'`,
    '',
    'Ctrl-C stops everything, the embedded database included.',
  );
  return lines.join('\n');
}
