/**
 * `koe lifecycle run`: retention and disposal by lifecycle.policy.yaml. A dry run by default (the
 * cutoff and the count due per category, nothing changed); with --apply each batch is disposed of
 * in its own transaction together with one `lifecycle.dispose` audit event. Rerun after a crash:
 * disposed rows are stamped, so only what is still due is found.
 */
import type { Command } from 'commander';
import { appendAuditEvents } from '../../audit/append.js';
import { auditAccessEvent } from '../../auth/access-event.js';
import { applyLifecycle, DEFAULT_LIFECYCLE_BATCH, findDue, type CategoryResult, type DueCategory } from '../../data/lifecycle/index.js';
import { pendingMigrations } from '../../data/migrate.js';
import { openRuntime } from '../runtime.js';
import { cliActor } from './cli-actor.js';
import { cliAction, CliError, DIR_OPTION, EXIT_USAGE, loadPolicyFrom } from './policy/cli-support.js';
import { progressReporter } from './progress.js';

interface RunFlags {
  apply?: boolean;
  batch: string;
  now?: string;
  actor?: string;
  dir?: string;
  json?: boolean;
  progress?: boolean;
}

export function registerLifecycle(program: Command): void {
  const lifecycle = program
    .command('lifecycle')
    .description('retention and disposal of customer data by the periods of lifecycle.policy.yaml');
  lifecycle
    .command('run')
    .description(
      'find what is due per category (feedback text, purchases, contact details) and, with --apply, dispose of it in batches: ' +
        'feedback scrubbed, purchases anonymised, customer PII crypto-shredded; rows and aggregates are kept',
    )
    .option('--apply', 'dispose of what is due (without it: a dry run that only counts)')
    .option('--batch <n>', 'rows disposed of per transaction (and per audit event)', String(DEFAULT_LIFECYCLE_BATCH))
    .option('--now <iso>', 'evaluate the periods as of this date and time instead of now (e.g. 2030-01-01T00:00:00Z)')
    .option('--actor <principal>', 'principal id recorded in the audit events (default: cli:<OS user>)')
    .option('--json', 'print the report as JSON on stdout')
    .option('--progress', 'show a progress bar on stderr even when it is not a terminal')
    .option(...DIR_OPTION)
    .addHelpText(
      'after',
      '\nA category is due when its date (receivedAt, orderedAt, lastActivityAt) is earlier than the cutoff: --now minus keep.' +
        '\nSafe to rerun: a crash loses at most one uncommitted batch, and disposed rows are never found again.' +
        '\nExit codes: 0 done (or dry run), 1 failed (rerun to resume), 2 bad input.',
    )
    .action(cliAction(run));
}

async function run(flags: RunFlags): Promise<void> {
  const batchSize = Number(flags.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new CliError(`--batch must be a positive integer (got "${flags.batch}")`, EXIT_USAGE);
  const now = flags.now === undefined ? new Date() : new Date(flags.now);
  if (Number.isNaN(now.getTime())) throw new CliError(`--now must be an ISO-8601 date and time (got "${flags.now}"), e.g. 2030-01-01T00:00:00Z`, EXIT_USAGE);
  const { set } = await loadPolicyFrom(flags.dir);
  const rules = set.lifecycle.rules;
  const rt = await openRuntime((l) => console.error(l));
  try {
    const pending = await pendingMigrations(rt.orm);
    if (pending.length) throw new CliError(`the database lacks ${pending.length} migration(s): run koe migrate first`);
    const em = rt.orm.em.fork();
    if (rules.length === 0) console.error('lifecycle: no lifecycle: rules in the policy files, so nothing is ever due.');
    if (!flags.apply) {
      const due = await findDue(em, rules, now);
      console.log(flags.json ? JSON.stringify({ now, dryRun: true, categories: due }, null, 2) : describeDue(now, due));
      return;
    }
    const actor = await cliActor(em, flags.actor, set.version);
    const progress = progressReporter(flags.progress ?? false, 'disposing', 'rows');
    let results: CategoryResult[];
    try {
      results = await applyLifecycle(em, rules, {
        now,
        batchSize,
        onProgress: ({ category, done, total }) => progress.update(done, total, category),
        onBatch: async (tx, b) => {
          const detail = { category: b.category, action: b.action, keep: b.keep, cutoff: b.cutoff.toISOString(), count: b.ids.length, batch: b.number, asOf: now.toISOString() };
          await appendAuditEvents(tx, [{ ...auditAccessEvent(actor, 'lifecycle.dispose', [...b.resources], detail), purpose: 'compliance' }]);
        },
      });
    } catch (e) {
      progress.stop();
      const message = e instanceof Error ? e.message : String(e);
      // Batches committed before the failure have their own events; this one records the failure.
      await appendAuditEvents(em, [{ ...auditAccessEvent(actor, 'lifecycle.run', [], { error: message, asOf: now.toISOString() }), outcome: 'error' }]);
      throw new CliError(`lifecycle run: ${message} (committed batches stay disposed of: run it again to finish)`);
    }
    progress.stop();
    console.log(flags.json ? JSON.stringify({ now, dryRun: false, categories: results }, null, 2) : describeApplied(now, results));
  } finally {
    await rt.close();
  }
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

function describeDue(now: Date, due: readonly DueCategory[]): string {
  const rows = due.map((c) => [c.category, c.keep, c.after, c.action, c.cutoff.toISOString(), String(c.due)]);
  const total = due.reduce((n, c) => n + c.due, 0);
  return [
    `Lifecycle as of ${now.toISOString()} (dry run: nothing changed)`,
    table(['category', 'keep', 'after', 'action', 'due before', 'due'], rows),
    total ? `${total} rows due: run koe lifecycle run --apply to dispose of them.` : 'Nothing is due.',
  ].join('\n');
}

function describeApplied(now: Date, results: readonly CategoryResult[]): string {
  const rows = results.map((c) => [c.category, c.keep, c.action, c.cutoff.toISOString(), String(c.disposed), String(c.batches), String(c.remaining)]);
  const disposed = results.reduce((n, c) => n + c.disposed, 0);
  const remaining = results.reduce((n, c) => n + c.remaining, 0);
  return [
    `Lifecycle as of ${now.toISOString()}: ${disposed} rows disposed of in ${results.reduce((n, c) => n + c.batches, 0)} batches`,
    table(['category', 'keep', 'action', 'due before', 'disposed', 'batches', 'remaining'], rows),
    ...(remaining ? [`${remaining} rows were locked by another transaction: run koe lifecycle run --apply again.`] : []),
  ].join('\n');
}
