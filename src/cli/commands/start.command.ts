import type { Command } from 'commander';
import { dutyWarnings, separationOfDutiesViolations } from '../../auth/access-review.js';
import { DEFAULT_TOKEN_TTL_SECONDS, issueToken } from '../../auth/jwt.js';
import { maxTokenTtlFromEnv } from '../../server/limits/settings.js';
import { seedDemoData } from '../../data/demo-seed.js';
import { migrateAll } from '../../data/migrate.js';
import { DEMO_PRINCIPALS } from '../../data/seed/demo-data.js';
import { loadPolicy, policyDir } from '../../server/policy.js';
import { DEFAULT_ADMIN_PORT, DEFAULT_PORTS, startPlatform } from '../../server/platform.js';
import { tlsFromEnv } from '../../server/tls.js';
import { openRuntime, PROJECT_ROOT } from '../runtime.js';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('start the gateway and the three subgraphs (embedded PostgreSQL when DATABASE_URL is unset), migrating and seeding demo data once')
    .option('--no-seed', 'do not load demo data into an empty database')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (opts: { seed: boolean; host: string }) => {
      const say = (l: string) => console.log(l);
      // A malformed KOE_MAX_TOKEN_TTL stops start-up here, before anything listens.
      const tokenTtl = Math.min(DEFAULT_TOKEN_TTL_SECONDS, maxTokenTtlFromEnv());
      // A bad policy file stops start-up before anything listens (the error names file and line).
      const policy = await loadPolicy(policyDir(PROJECT_ROOT));
      say(`Policy ${policy.version} loaded from ${policyDir(PROJECT_ROOT)}`);
      // Likewise a half-set or mismatched KOE_TLS_CERT/KOE_TLS_KEY: never fall back to plain HTTP.
      const tls = tlsFromEnv();
      if (tls) say(`HTTPS on: certificate ${process.env.KOE_TLS_CERT}${process.env.KOE_TLS_CA ? `, subgraphs trusted via ${process.env.KOE_TLS_CA}` : ''}`);
      const rt = await openRuntime(say, 'server');
      let stopping: Promise<void> | null = null;
      // The embedded database stops on the same signal by itself, so a step here may find its
      // connection gone: each step is tried on its own and shutdown always finishes.
      const shutdown = (platformStop: () => Promise<void>) => {
        stopping ??= (async () => {
          say('\nStopping: no new requests, waiting for those in flight…');
          for (const step of [platformStop, () => rt.close()]) {
            await step().catch((e: unknown) => say(`  (while stopping: ${e instanceof Error ? e.message : String(e)})`));
          }
          say('Stopped.');
        })();
        return stopping;
      };
      try {
        const { applied, crypto, encrypted, piiScanned } = await migrateAll(rt.orm, rt.keyRing().provider);
        if (applied.length) say(`Migrations applied: ${applied.join(', ')}`);
        const sealed = Object.entries(encrypted).filter(([, n]) => n > 0);
        if (sealed.length) say(`Encrypted rows stored in plaintext: ${sealed.map(([t, n]) => `${t} ${n}`).join(', ')}`);
        if (piiScanned) say(`Computed piiFlags of feedback stored before them: ${piiScanned} rows`);
        if (opts.seed) {
          const seeded = await seedDemoData(rt.orm, rt.secrets.pseudonymKey, crypto);
          if (seeded.seeded) say(`Demo data seeded: ${JSON.stringify(seeded.counts)}`);
        }
        // Grants that predate a separation-of-duties rule: warned about, never a reason to stay down.
        for (const line of dutyWarnings(await separationOfDutiesViolations(rt.orm.em.fork(), policy))) console.error(line);
        const port = process.env.PORT ? Number.parseInt(process.env.PORT, 10) : DEFAULT_PORTS.gateway;
        const platform = await startPlatform({
          orm: rt.orm,
          crypto,
          jwtSecret: rt.secrets.jwtSecret,
          pseudonymKey: rt.secrets.pseudonymKey,
          policy: policy,
          // Checkpoints are signed with the key ring's key, KOE_MASTER_KEY or the development key file alike.
          checkpointKey: rt.checkpointKey(),
          host: opts.host,
          // PORT=0: every server on a free port (tests, the fault suite); the banner prints them.
          ports: port === 0 ? { gateway: 0, customers: 0, feedback: 0, audit: 0 } : { gateway: port },
          tls,
          // Prometheus scrapes here; request logs go to stdout as JSON lines (LOG_LEVEL).
          adminPort: process.env.KOE_ADMIN_PORT ? Number.parseInt(process.env.KOE_ADMIN_PORT, 10) : DEFAULT_ADMIN_PORT,
        });
        // `on`, not `once`: a terminal's Ctrl-C reaches this process twice (directly and relayed by
        // tsx/npm), and a second signal with no listener would kill it halfway through stopping.
        const onSignal = () => void shutdown(platform.stop).then(() => process.exit(0));
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        await printWelcome(platform.gatewayUrl, { ...platform.subgraphUrls, ...(platform.metricsUrl ? { metrics: platform.metricsUrl } : {}) }, rt.secrets.jwtSecret, tokenTtl, rt.databaseSource, say);
      } catch (e) {
        await rt.close();
        throw e;
      }
    });
}

async function printWelcome(
  gatewayUrl: string,
  subgraphs: Record<string, string>,
  secret: Uint8Array,
  tokenTtl: number,
  dbSource: string,
  say: (l: string) => void,
): Promise<void> {
  say('');
  say(`Koe is up (database: ${dbSource}).`);
  say(`  gateway    ${gatewayUrl}`);
  say(`  console    ${gatewayUrl.replace(/\/graphql$/, '/console')}   (sign in with a token below)`);
  for (const [name, url] of Object.entries(subgraphs)) say(`  ${name.padEnd(10)} ${url}`);
  say('');
  say(`Demo tokens (valid ${Math.round((tokenTtl / 3600) * 10) / 10} h; \`npx koe token <principal>\` mints more):`);
  let sample = '';
  for (const p of DEMO_PRINCIPALS.filter((d) => d.status === 'active')) {
    const token = await issueToken(secret, p.id, tokenTtl);
    sample ||= token;
    say(`  ${p.roles.join(',').padEnd(14)} ${p.id.padEnd(16)} ${token}`);
  }
  say('');
  say('Try:');
  // A self-signed certificate: curl must be told to trust it.
  const trust = gatewayUrl.startsWith('https:') ? ` --cacert ${process.env.KOE_TLS_CA ?? process.env.KOE_TLS_CERT}` : '';
  say(`  curl -s${trust} ${gatewayUrl} -H 'content-type: application/json' \\`);
  say(`    -H 'authorization: Bearer ${sample}' \\`);
  say(`    -d '{"query":"{ feedbacks(first: 3) { totalCount edges { node { channel body customer { name email } } } } }"}'`);
  say('');
  say('Ctrl-C stops everything, the embedded database included.');
}
