/**
 * `koe policy diff <git-ref>`: what a change to the policy files does to the decisions, cell by
 * cell (role x `@pii` field), comparing the revision with the files on disk. A reviewer reads this
 * instead of the YAML diff. No change is not an error; only unreadable or invalid files are.
 */
import { Option, type Command } from 'commander';
import {
  diffMatrices, formatProblem, loadPolicySet, matrix, PolicyError, type MatrixChange, type PolicySet,
} from '../../../policies/index.js';
import { checkPurpose, cliAction, CliError, DIR_OPTION, loadPolicyFrom } from './cli-support.js';
import { checkoutPolicies, type Revision } from './git-revision.js';

interface DiffFlags {
  dir?: string;
  format: 'md' | 'json';
  purpose?: string;
}

export function registerPolicyDiff(policy: Command): void {
  policy
    .command('diff')
    .description('show which role x @pii field decisions the policy files on disk change, compared with a git revision')
    .argument('<git-ref>', 'the revision to compare with, e.g. HEAD or main')
    .addOption(new Option('--format <format>', 'output format').choices(['md', 'json']).default('md'))
    .option('--purpose <purpose>', 'decide purpose-bound rules for this declared purpose')
    .option(...DIR_OPTION)
    .action(
      cliAction(async (ref: string, flags: DiffFlags) => {
        const after = await loadSide('the policy files on disk', () => loadPolicyFrom(flags.dir));
        checkPurpose(after.set, flags.purpose);
        const rev = checkoutPolicies(after.set.dir, ref);
        try {
          const before = await loadSide(`the policy files at ${ref}`, async () => loadPolicySet(rev.dir, after.catalog), rev);
          const options = { purpose: flags.purpose ?? null };
          const changes = diffMatrices(matrix(before, after.catalog, options), matrix(after.set, after.catalog, options));
          console.log(flags.format === 'json' ? json(ref, rev, before, after.set, changes) : markdown(ref, rev, before, after.set, changes));
        } finally {
          rev.dispose();
        }
      }),
    );
}

/** Says which side is invalid; the revision's files are named `<ref>:<path>`, not the temp copy. */
async function loadSide<T>(side: string, load: () => Promise<T>, rev?: Revision): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    const problems = e.problems.map((p) => (rev ? { ...p, loc: { ...p.loc, file: p.loc.file.replace(`${rev.dir}/`, rev.label) } } : p));
    throw new CliError(`${side} are invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
  }
}

function json(ref: string, rev: Revision, before: PolicySet, after: PolicySet, changes: MatrixChange[]): string {
  return JSON.stringify({ before: { ref, commit: rev.commit, version: before.version }, after: { version: after.version }, changes }, null, 2);
}

function markdown(ref: string, rev: Revision, before: PolicySet, after: PolicySet, changes: MatrixChange[]): string {
  const head = `Policy ${before.version} (${ref}, ${rev.commit.slice(0, 10)}) → ${after.version} (on disk)`;
  if (changes.length === 0) return `${head}: no decision changes`;
  const cell = (s: string | null) => (s ?? '(none)').replace(/\|/g, '\\|');
  const n = changes.length;
  return [
    `${head}: ${n} decision${n === 1 ? '' : 's'} changed`,
    '',
    '| role | field | before → after |',
    '|---|---|---|',
    ...changes.map((c) => `| ${c.role} | ${c.field} | ${cell(c.before)} → ${cell(c.after)} |`),
  ].join('\n');
}

