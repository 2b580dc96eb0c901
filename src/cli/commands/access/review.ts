/**
 * `koe access review`: the periodic review report, and `--apply` to record the decisions at once;
 * its verbs (periodic.ts) work through a stored review, as the console does.
 */
import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { accessReview } from '../../../auth/access-review.js';
import { applyDecisions, askDecisions, readDecisions } from './review-apply.js';
import { formatReview, type ReviewFormat } from './review-format.js';
import { registerPeriodicReview } from './periodic.js';
import { withAccessSession } from './session.js';

interface ReviewOptions {
  unusedDays: number;
  reviewDays: number;
  format: ReviewFormat;
  out?: string;
  apply?: boolean;
  decisions?: string;
  reviewer?: string;
}

const int = (v: string) => {
  const n = Number.parseInt(v, 10);
  if (!Number.isInteger(n) || n < 0) throw new Error(`"${v}" is not a number of days`);
  return n;
};

export function registerAccessReview(access: Command): void {
  const review = access
    .command('review')
    .description('every principal with roles, who granted them, last use, flags and unused permissions; --apply records decisions; start|list|show|decide|sign-off|csv work through a stored review')
    .option('--unused-days <n>', 'flag principals unused for longer than this', int, 90)
    .option('--review-days <n>', 'flag principals not reviewed within this period', int, 180)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .option('--out <file>', 'write the report to a file instead of stdout')
    .option('--apply', 'apply decisions: from --decisions <file>, else asked per flagged principal on a terminal')
    .option('--decisions <file>', 'YAML list of { principal, action: keep | revoke:<role> | disable }')
    .option('--reviewer <principal>', 'principal id of the reviewer (required with --apply); recorded per decision')
    .action(async (opts: ReviewOptions) => {
      await withAccessSession(async (s) => {
        const rows = await accessReview(s.em, { unusedDays: opts.unusedDays, reviewDays: opts.reviewDays, policy: s.policy });
        if (!opts.apply) {
          const text = formatReview(rows, opts.format);
          if (opts.out) writeFileSync(opts.out, text);
          else process.stdout.write(text);
          return;
        }
        if (!opts.reviewer) throw new Error('--apply needs --reviewer <principal id>: every decision records who made it');
        const reviewer = await s.actor(opts.reviewer);
        let decisions;
        if (opts.decisions) decisions = readDecisions(opts.decisions, s.knownRoles, new Set(rows.map((r) => r.principalId)));
        else if (process.stdin.isTTY) decisions = await askDecisions(rows.filter((r) => r.flags.length > 0 && r.principalId !== reviewer.id), s.knownRoles);
        else throw new Error('--apply without a terminal needs --decisions <file>');
        await applyDecisions(s, decisions, reviewer);
      });
    });
  registerPeriodicReview(review);
}
