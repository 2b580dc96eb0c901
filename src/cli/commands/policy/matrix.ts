/** `koe policy matrix`: the role x `@pii` field decisions, for a terminal, a pull request or a browser. */
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { matrix, renderMatrix, type MatrixFormat } from '../../../policies/index.js';
import { checkPurpose, cliAction, DIR_OPTION, loadPolicyFrom } from './cli-support.js';

export function registerPolicyMatrix(policy: Command): void {
  policy
    .command('matrix')
    .description('print the decision of every role on every @pii field (PLAIN, MASKED(masker), DENIED or CONDITIONAL(…))')
    .addOption(new Option('--format <format>', 'output format').choices(['md', 'json', 'html']).default('md'))
    .option('--purpose <purpose>', 'decide purpose-bound rules for this declared purpose (default: shown as CONDITIONAL)')
    .option('--out <file>', 'write to a file instead of stdout')
    .option(...DIR_OPTION)
    .action(
      cliAction(async (opts: { format: MatrixFormat; purpose?: string; out?: string; dir?: string }) => {
        const { set, catalog } = await loadPolicyFrom(opts.dir);
        checkPurpose(set, opts.purpose);
        const m = matrix(set, catalog, { purpose: opts.purpose });
        const text = renderMatrix(m, opts.format);
        if (!opts.out) return void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
        writeFileSync(opts.out, text);
        console.log(`Wrote the ${opts.format} matrix of policy ${m.version} (${m.roles.length} roles x ${m.fields.length} fields) to ${opts.out}`);
      }),
    );
}
