/**
 * `koe bi sync` and `koe bi grant`: a PostgreSQL schema for BI tools holding exactly what one
 * policy role reads through GraphQL, and the login role that reads it (docs/bi.md).
 */
import type { Command } from 'commander';
import { biConnectionString, DEFAULT_BI_BATCH, DEFAULT_BI_LOGIN, DEFAULT_BI_ROLE, DEFAULT_BI_SCHEMA, grantBiReader } from '../../data/bi/index.js';
import { pendingMigrations } from '../../data/migrate.js';
import { resolveDatabase } from '../../data/postgres/index.js';
import { runBiSync } from '../../server/bi-sync-runner.js';
import { cliConfig, openRuntime, PROJECT_ROOT } from '../runtime.js';
import { cliActor } from './cli-actor.js';
import { cliAction, CliError, DIR_OPTION, EXIT_USAGE, loadPolicyFrom } from './policy/cli-support.js';
import { progressReporter } from './progress.js';

interface SyncFlags {
  role: string;
  schema: string;
  batch: string;
  actor?: string;
  dir?: string;
  json?: boolean;
  progress?: boolean;
}

interface GrantFlags {
  schema: string;
  login: string;
}

export function registerBi(program: Command): void {
  const bi = program.command('bi').description('a read-only PostgreSQL schema for BI tools, holding what one policy role reads through GraphQL');
  bi.command('sync')
    .description('build or bring up to date the BI schema: the rows the role may see, PLAIN and MASKED values as the policy decides, no DENIED column')
    .option('--role <role>', 'the policy role whose view is copied', DEFAULT_BI_ROLE)
    .option('--schema <name>', 'the PostgreSQL schema written', DEFAULT_BI_SCHEMA)
    .option('--batch <n>', 'rows (or changes) per transaction and per audit event', String(DEFAULT_BI_BATCH))
    .option('--actor <principal>', 'principal id recorded in the audit events (default: cli:<OS user>)')
    .option('--json', 'print the result as JSON on stdout')
    .option('--progress', 'show a progress bar on stderr even when it is not a terminal')
    .option(...DIR_OPTION)
    .addHelpText(
      'after',
      '\nThe first run, and any run after the policy version changed, rebuilds the tables; later runs apply only the rows changed since.' +
        '\nAggregate tables (feedback_by_week_channel, customers_by_prefecture, …) hold feedbackStats / customerStats as the role gets them, small groups suppressed; recomputed when anything changed.' +
        '\nSafe to interrupt: each batch commits with its watermark and its audit event, and the next run resumes.' +
        '\nExit codes: 0 done, 1 failed (rerun to resume), 2 bad input.',
    )
    .action(cliAction(sync));
  bi.command('grant')
    .description('create (or reset the password of) the login role that reads only the BI schema, and print the connection string a BI tool pastes')
    .option('--schema <name>', 'the BI schema the role may read', DEFAULT_BI_SCHEMA)
    .option('--login <role>', 'the PostgreSQL login role', DEFAULT_BI_LOGIN)
    .addHelpText(
      'after',
      '\nThe password is KOE_BI_PASSWORD when set, else a generated one, printed here once and stored nowhere else (PostgreSQL keeps its hash).' +
        '\nThe role gets USAGE on the schema and SELECT on its tables, nothing on Koe\'s own tables, the audit chain or the keys.',
    )
    .action(cliAction(grant));
}

async function sync(flags: SyncFlags): Promise<void> {
  const batchSize = Number(flags.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new CliError(`--batch must be a positive integer (got "${flags.batch}")`, EXIT_USAGE);
  const { set } = await loadPolicyFrom(flags.dir);
  if (!set.roles.has(flags.role)) throw new CliError(`--role ${flags.role}: no such role in the policy files`, EXIT_USAGE);
  const rt = await openRuntime((l) => console.error(l));
  try {
    const pending = await pendingMigrations(rt.orm);
    if (pending.length) throw new CliError(`the database lacks ${pending.length} migration(s): run koe migrate first`);
    const em = rt.orm.em.fork();
    const actor = await cliActor(em, flags.actor, set.version);
    const progress = progressReporter(flags.progress ?? false, 'bi sync', 'rows');
    const started = performance.now();
    let result;
    try {
      result = await runBiSync(em, actor, {
        schema: flags.schema, role: flags.role, policy: set, crypto: await rt.crypto(), maskContext: { pseudonymKey: rt.secrets.pseudonymKey },
        batchSize, onProgress: (done, total, label) => progress.update(done, total, label),
      });
    } finally {
      progress.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    const rate = Math.round(result.rows / Math.max(seconds, 0.001));
    if (flags.json) console.log(JSON.stringify({ ...result, seconds, rowsPerSecond: rate }, null, 2));
    else {
      console.log(
        `bi sync: ${result.schema} as ${result.role} (policy ${result.policyVersion.slice(0, 12)}): ${result.rebuilt ? 'rebuilt, ' : ''}` +
          `${result.rows} rows written, ${result.removed} removed, ${result.changes} changes applied${result.aggregateRows === null ? '' : `, ${result.aggregateRows} aggregate groups`} in ${result.batches} batches, ${seconds.toFixed(1)} s (${rate} rows/s)`,
      );
      if (result.omitted.length) console.log(`left out (DENIED to ${result.role}): ${result.omitted.join(', ')}`);
    }
  } finally {
    await rt.close();
  }
}

async function grant(flags: GrantFlags): Promise<void> {
  const config = cliConfig();
  const rt = await openRuntime((l) => console.error(l));
  try {
    const g = await grantBiReader(rt.orm.em.fork(), { schema: flags.schema, login: flags.login, password: config.bi.password });
    const db = await resolveDatabase({ purpose: 'dev', projectRoot: PROJECT_ROOT, log: () => {}, role: 'tool', database: config.database });
    try {
      console.log(biConnectionString(db.url, g.login, g.password));
    } finally {
      await db.stop();
    }
    console.error(g.generated ? `(the password was generated: this is the only time it is shown; set KOE_BI_PASSWORD to choose it)` : '(password from KOE_BI_PASSWORD)');
  } finally {
    await rt.close();
  }
}
