/**
 * `koe policy explain <role> <Type.field>`: the decision, the rule (file:line) that made it and
 * every rule that could have. Without --record the answer may be CONDITIONAL on the record.
 */
import type { Command } from 'commander';
import { explain, type ExplainOptions, type Explanation, type PolicySet, type RuleRef } from '../../../policies/index.js';
import { checkPurpose, cliAction, CliError, DIR_OPTION, EXIT_USAGE, loadPolicyFrom, parseJsonObject } from './cli-support.js';

interface ExplainFlags {
  record?: string;
  purpose?: string;
  principal?: string;
  dir?: string;
  json?: boolean;
}

export function registerPolicyExplain(policy: Command): void {
  policy
    .command('explain')
    .description('explain how a role sees a field: the decision, the rule (file:line) that made it, and the candidate rules')
    .argument('<role>', 'a role of the policy files, e.g. analyst')
    .argument('<Type.field>', 'a field of the API schema, e.g. Customer.email')
    .option('--record <json>', `a record to decide on, e.g. '{"teamId":"team-east"}' (without it the answer may be CONDITIONAL)`)
    .option('--purpose <purpose>', 'the declared purpose of the request (X-Koe-Purpose)')
    .option('--principal <json>', `the caller, e.g. '{"id":"p1","teamId":"team-east"}'; other keys become attributes`)
    .option('--json', 'print the Explanation object as JSON')
    .option(...DIR_OPTION)
    .action(
      cliAction(async (role: string, typeField: string, flags: ExplainFlags) => {
        // Bad input is refused before the (slow) schema load.
        const options: ExplainOptions = {
          record: parseJsonObject('--record', flags.record),
          principal: principalOf(parseJsonObject('--principal', flags.principal)),
          ...(flags.purpose !== undefined ? { purpose: flags.purpose } : {}),
        };
        const { set } = await loadPolicyFrom(flags.dir);
        checkPurpose(set, flags.purpose);
        const e = explain(set, role, typeField, options);
        console.log(flags.json ? JSON.stringify(e, null, 2) : describe(e, set));
      }),
    );
}

function principalOf(json: Record<string, unknown> | undefined): ExplainOptions['principal'] {
  if (!json) return undefined;
  const { id, teamId, ...attributes } = json;
  if (id !== undefined && typeof id !== 'string') throw new CliError('--principal: "id" must be a string', EXIT_USAGE);
  if (teamId !== undefined && teamId !== null && typeof teamId !== 'string') throw new CliError('--principal: "teamId" must be a string or null', EXIT_USAGE);
  return { ...(id !== undefined ? { id } : {}), teamId: teamId ?? null, attributes };
}

function describe(e: Explanation, set: PolicySet): string {
  const lines = [
    `${e.role} sees ${e.field}: ${e.decision}${e.masker ? ` (masker ${e.masker})` : ''}`,
    `  why: ${e.summary}${hint(e, set)}`,
  ];
  if (e.rule) lines.push(`  decided by: ${ruleLine(e.rule)}`);
  lines.push(e.candidates.length ? 'Candidate rules, highest priority first:' : 'Candidate rules: none');
  for (const c of e.candidates) lines.push(`  ${ruleLine(c)}`);
  return lines.join('\n');
}

function ruleLine(r: RuleRef): string {
  return `${r.at}  ${r.role}: ${r.action} on ${r.type}${r.when ? ` when ${r.when}` : ''}`;
}

/** For an unknown role or field, what is known, so a typo names its fix. */
function hint(e: Explanation, set: PolicySet): string {
  if (!set.roles.has(e.role)) return ` (roles: ${[...set.roles.keys()].join(', ')})`;
  const [type = '', field = ''] = e.field.split('.');
  const info = set.catalog.types[type];
  if (!info) return ` (give Type.field; types: ${Object.keys(set.catalog.types).join(', ')})`;
  return info.fields[field] ? '' : ` (fields of ${type}: ${Object.keys(info.fields).join(', ')})`;
}
