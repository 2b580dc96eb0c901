/**
 * `koe policy test`: runs the `*.test.yaml` cases kept beside the policies. Only failures are
 * listed (with file:line), then `N passed, M failed`; no case at all counts as a failure, so a
 * misplaced --dir cannot pass silently.
 */
import type { Command } from 'commander';
import { runPolicyTests, type PolicyTestResult } from '../../../policies/index.js';
import { cliAction, CliError, DIR_OPTION, loadPolicyFrom } from './cli-support.js';

export function registerPolicyTest(policy: Command): void {
  policy
    .command('test')
    .description('run the *.test.yaml cases beside the policy files; exit 1 on any failure or when there is no case')
    .option(...DIR_OPTION)
    .option('--filter <text>', 'only cases whose name, file or role contains this text (case-insensitive)')
    .action(
      cliAction(async (opts: { dir?: string; filter?: string }) => {
        const { set, dir } = await loadPolicyFrom(opts.dir);
        const results = runPolicyTests(set, dir).filter((r) => matches(r, opts.filter));
        const failed = results.filter((r) => !r.passed);
        for (const r of failed) console.log(`FAIL ${r.at}  ${r.name}${r.roles.length ? ` [${r.roles.join(', ')}]` : ''}: ${r.message ?? `expected ${r.expected}, got ${r.actual}`}`);
        console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
        if (results.length === 0) {
          throw new CliError(opts.filter ? `no test case matches --filter "${opts.filter}"` : `no test cases: put *.test.yaml files beside the policies in ${dir}`);
        }
        if (failed.length) process.exitCode = 1;
      }),
    );
}

/** An invalid test file (its results expect nothing) is always reported: it is broken whatever the filter. */
function matches(r: PolicyTestResult, filter: string | undefined): boolean {
  if (!filter || r.expected === '') return true;
  const needle = filter.toLowerCase();
  return [r.name, r.at, ...r.roles].some((s) => s.toLowerCase().includes(needle));
}
