/**
 * `koe policy impact <git-ref>`: what the policy at a revision would have done to real traffic.
 * The recorded field decisions of the last days are replayed against it: per role and field whose
 * decision would change, how many requests and principals it would have affected, and which
 * operations (name and hash) would start getting FORBIDDEN. A policy pull request is reviewed by
 * this beside `koe policy diff`. Needs the database (the audit trail); reads only.
 */
import { Option, type Command } from 'commander';
import { decisionBatches, decisionCount, principalAttributes, teamChanges } from '../../../audit/impact/impact-reader.js';
import { PolicyImpactReplay, type PolicyImpact } from '../../../audit/impact/policy-impact.js';
import { formatProblem, loadPolicySet, PolicyError } from '../../../policies/index.js';
import { withAuditRuntime } from '../audit/audit-runtime.js';
import { progressReporter } from '../progress.js';
import { cliAction, CliError, DIR_OPTION, EXIT_USAGE, loadPolicyFrom } from './cli-support.js';
import { checkoutPolicies } from './git-revision.js';

interface ImpactFlags {
  days: string;
  format: 'text' | 'json';
  dir?: string;
  progress?: boolean;
}

export function registerPolicyImpact(policy: Command): void {
  policy
    .command('impact')
    .description('replay the recorded field decisions of the last days against the policy at a git revision: what would change, for whom, which operations would get FORBIDDEN')
    .argument('<git-ref>', 'the revision whose policy files to replay, e.g. a pull request branch')
    .option('--days <n>', 'how many days of the audit trail to replay', '30')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--progress', 'show a progress bar even when stderr is not a terminal')
    .option(...DIR_OPTION)
    .addHelpText(
      'after',
      '\nNeeds DATABASE_URL (reads the audit trail). Each event is replayed with the team its principal had then (from the recorded team changes). A field whose new decision depends on the record is reported as CONDITIONAL.',
    )
    .action(
      cliAction(async (ref: string, flags: ImpactFlags) => {
        const days = Number(flags.days);
        if (!Number.isFinite(days) || days <= 0) throw new CliError(`--days "${flags.days}" is not a positive number of days`, EXIT_USAGE);
        const current = await loadPolicyFrom(flags.dir);
        const rev = checkoutPolicies(current.set.dir, ref);
        try {
          let other;
          try {
            other = loadPolicySet(rev.dir, current.catalog);
          } catch (e) {
            if (!(e instanceof PolicyError)) throw e;
            throw new CliError(`the policy files at ${ref} are invalid:\n${e.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
          }
          const since = new Date(Date.now() - days * 86_400_000);
          let replay: PolicyImpactReplay | null = null;
          await withAuditRuntime(async ({ sql }) => {
            replay = new PolicyImpactReplay(current.set, other, await principalAttributes(sql), await teamChanges(sql, since));
            const total = await decisionCount(sql, since);
            const progress = progressReporter(flags.progress === true, 'replaying', 'events');
            let done = 0;
            for await (const batch of decisionBatches(sql, since)) {
              for (const e of batch) replay!.add(e);
              done += batch.length;
              progress.update(done, total);
            }
            progress.stop();
          });
          const impact = replay!.finish();
          const head = { ref, commit: rev.commit, version: other.version, current: current.set.version, days, since: since.toISOString() };
          process.stdout.write(flags.format === 'json' ? `${JSON.stringify({ ...head, ...impact }, null, 2)}\n` : text(head, impact));
        } finally {
          rev.dispose();
        }
      }),
    );
}

function text(h: { ref: string; commit: string; version: string; current: string; days: number }, r: PolicyImpact): string {
  const cell = (s: string | number | null) => String(s ?? '-').replace(/\|/g, '\\|');
  const out = [
    `Policy impact of ${h.ref} (${h.commit.slice(0, 10)}, version ${h.version}) against the last ${h.days} days of traffic (policy in force: ${h.current})`,
    `${r.eventsReplayed} events, ${r.decisionsReplayed} field decisions replayed`,
    '',
  ];
  if (r.changes.length === 0) out.push('No recorded decision would change.');
  else {
    out.push('| roles | field | recorded → at ref | requests | values | principals |', '|---|---|---|---|---|---|');
    for (const c of r.changes) out.push(`| ${cell(c.roles)} | ${cell(c.field)} | ${c.before} → ${c.after} | ${c.requests} | ${c.values} | ${c.principals} |`);
  }
  out.push('');
  if (r.forbidden.length === 0) out.push('No operation would start getting FORBIDDEN.');
  else {
    out.push('Operations that would start getting FORBIDDEN:', '', '| operation | hash | roles | fields | requests | principals |', '|---|---|---|---|---|---|');
    for (const o of r.forbidden) out.push(`| ${cell(o.operationName)} | ${cell(o.operationHash?.slice(0, 16) ?? null)} | ${cell(o.roles)} | ${cell(o.fields.join(', '))} | ${o.requests} | ${o.principals} |`);
  }
  return `${out.join('\n')}\n`;
}
