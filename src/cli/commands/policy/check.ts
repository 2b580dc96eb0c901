/**
 * `koe policy check`: loads the files as the server would and reports what they declare, then the
 * warnings of checkPolicies. Invalid files fail with every problem as file:line:col.
 */
import type { Command } from 'commander';
import { PolicyError, checkPolicies, formatWarning, type RoleDef } from '../../../policies/index.js';
import { cliAction, CliError, DIR_OPTION, loadPolicyFrom } from './cli-support.js';

export function registerPolicyCheck(policy: Command): void {
  policy
    .command('check')
    .description('validate the policy files against the API schema; print version, roles and warnings (e.g. @pii fields no rule names)')
    .option(...DIR_OPTION)
    .option('--strict', 'exit 1 when there are warnings, not only problems')
    .action(
      cliAction(async (opts: { dir?: string; strict?: boolean }) => {
        const { set, catalog, dir } = await loadPolicyFrom(opts.dir);
        // The catalog the set was loaded against; problems only appear if the schema moved on since.
        const report = checkPolicies(set, catalog);
        if (report.problems.length) throw new PolicyError(report.problems);

        const out: string[] = [`Policy ${set.version} is valid: ${set.sources.length} files in ${dir}`, `Roles (${set.roles.size}):`];
        const width = Math.max(...[...set.roles.keys()].map((r) => r.length));
        for (const role of set.roles.values()) out.push(`  ${role.name.padEnd(width)}  ${role.department.padEnd(14)}  ${ruleCount(role)}`);
        out.push(`Purposes (${set.purposes.size}): ${[...set.purposes.keys()].join(', ') || '(none)'}`);
        out.push(`Masker aliases (${set.maskers.size}): ${[...set.maskers.keys()].join(', ') || '(none)'}`);
        const n = report.warnings.length;
        out.push(n ? `${n} warning${n === 1 ? '' : 's'}:` : 'No warnings.');
        for (const w of report.warnings) out.push(`  ${formatWarning(w)}`);
        console.log(out.join('\n'));
        if (n && opts.strict) throw new CliError(`${n} warning${n === 1 ? '' : 's'} with --strict`);
      }),
    );
}

function documentLockText(lock: NonNullable<RoleDef['documents']>): string {
  const clients = lock.clients ? `clients ${lock.clients.join(', ')}` : 'any client';
  const credentials = lock.credentials ? lock.credentials.map((c) => (c === 'apiKey' ? 'API keys' : 'tokens')).join(' and ') : 'every credential';
  return `${clients}; ${credentials}`;
}

/** Rules as written in YAML (one rule on two types compiles to several), own and inherited apart. */
function ruleCount(role: RoleDef): string {
  const count = (rules: RoleDef['rules']) => new Set(rules.map((r) => `${r.source.file}:${r.source.line}:${r.source.col}`)).size;
  const own = count(role.rules.filter((r) => r.role === role.name));
  const inherited = count(role.rules.filter((r) => r.role !== role.name));
  const parts = [`${own} rule${own === 1 ? '' : 's'}`];
  if (inherited) parts.push(`+${inherited} inherited from ${role.inherits.join(', ')}`);
  if (role.readOnly) parts.push('read-only');
  if (role.documents) parts.push(`trusted documents only (${documentLockText(role.documents)})`);
  return parts.join(', ');
}
