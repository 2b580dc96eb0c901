/**
 * `koe incident report`: whose data a principal, an API key or a client address saw, and in what
 * form, from the audit trail verified first. Contact details of the customers to notify are added
 * only for an `--actor` the policy lets read them in PLAIN for a compliance case, and the
 * disclosure is recorded (`incident.report`) before anything is printed.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { appendAuditEvents } from '../../audit/append.js';
import { formatIncident, INCIDENT_FORMATS, type Contacts, type IncidentFormat } from '../../audit/incident/incident-format.js';
import { buildIncidentReport, IncidentScopeError } from '../../audit/incident/incident-report.js';
import { auditAccessEvent } from '../../auth/access-event.js';
import { customerContacts } from '../../data/customer-contacts.js';
import { PrincipalEntity } from '../../data/entities/index.js';
import { abilityFor, type PolicySet } from '../../policies/index.js';
import { cliPolicy } from '../runtime.js';
import { withAuditRuntime } from './audit/audit-runtime.js';
import { cliActor } from './cli-actor.js';
import { cliAction, CliError, EXIT_USAGE } from './policy/cli-support.js';

interface ReportFlags {
  principal?: string;
  apiKey?: string;
  address?: string;
  since?: string;
  until?: string;
  format: string;
  actor?: string;
  out?: string;
}

const CONTACT_FIELDS = ['name', 'email', 'phone', 'address'] as const;
const COMPLIANCE = 'compliance';

export function registerIncidentReport(incident: Command): void {
  incident
    .command('report')
    .description('whose records a principal, API key or client address touched and which personal fields it got in PLAIN or MASKED form, from the verified audit trail')
    .option('--principal <id>', 'the principal under suspicion (its refused attempts included)')
    .option('--api-key <prefix>', 'an API key by its 8-character prefix: its principal’s requests while the key existed')
    .option('--address <ip>', 'a client address')
    .option('--since <time>', 'from this time (ISO 8601), inclusive')
    .option('--until <time>', 'to this time (ISO 8601), exclusive')
    .option('--format <format>', `${INCIDENT_FORMATS.join(', ')}: md is a draft of the preliminary report to the PPC (APPI Art. 26)`, 'md')
    .option('--actor <principal>', 'who reads the report; contact details are added only when its policy gives them in PLAIN for purpose compliance')
    .option('--out <file>', 'write the report to this file (mode 600) instead of standard output')
    .addHelpText(
      'after',
      '\nOne of --principal, --api-key, --address is required. Events record which record returned which field (detail.exposure),' +
        '\nso each customer gets exactly its own fields; for older events without it, each customer they name is counted as possibly' +
        '\nexposed for the event’s fields (an upper bound; the report says how many events were of each kind).' +
        '\nExit codes: 0 report written, 1 written but the audit chain did NOT verify (the report says where), 2 bad input.',
    )
    .action(cliAction(report));
}

function parseTime(flag: string, text: string | undefined): Date | null {
  if (text === undefined) return null;
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new CliError(`${flag} "${text}" is not a time; write e.g. 2026-12-01 or 2026-12-01T09:00:00Z`, EXIT_USAGE);
  return d;
}

/** Whether the principal may read every contact field of any customer in PLAIN when declaring compliance. */
function mayReadContacts(set: PolicySet, principal: PrincipalEntity): boolean {
  const ability = abilityFor(set, { id: principal.id, roles: principal.roles, teamId: principal.teamId, attributes: principal.attributes }, { purpose: COMPLIANCE });
  return CONTACT_FIELDS.every((f) => ability.decide('Customer', {}, f).decision === 'PLAIN');
}

async function report(flags: ReportFlags): Promise<void> {
  const format = flags.format as IncidentFormat;
  if (!INCIDENT_FORMATS.includes(format)) throw new CliError(`--format must be one of ${INCIDENT_FORMATS.join(', ')}`, EXIT_USAGE);
  const scope = { principalId: flags.principal, apiKeyPrefix: flags.apiKey, address: flags.address, since: parseTime('--since', flags.since), until: parseTime('--until', flags.until) };
  const policy = await cliPolicy();
  await withAuditRuntime(async ({ rt, sql, key }) => {
    const em = rt.orm.em.fork();
    const actor = await cliActor(em, flags.actor, policy.version);
    const r = await buildIncidentReport(sql, scope, { policy, key }).catch((e: unknown) => {
      throw e instanceof IncidentScopeError ? new CliError(e.message, EXIT_USAGE) : e;
    });
    let contacts: Contacts = null;
    if (flags.actor) {
      const p = await em.findOneOrFail(PrincipalEntity, { id: flags.actor });
      if (mayReadContacts(policy, p)) contacts = await customerContacts(em, await rt.crypto(), r.customers.map((c) => c.customerId));
      else console.error(`koe: contact details left out: ${flags.actor} may not read customers’ contact details in PLAIN for purpose ${COMPLIANCE}`);
    }
    const detail = { ...r.scope, customers: r.customers.length, verified: r.verification.ok, contactsIncluded: contacts !== null, format, out: flags.out ?? 'stdout' };
    const resources = contacts ? [...contacts.keys()].map((id) => `Customer:${id}`) : [];
    await appendAuditEvents(em, [{ ...auditAccessEvent(actor, 'incident.report', resources, detail), purpose: contacts ? COMPLIANCE : null }]);
    const text = formatIncident(r, format, contacts);
    if (flags.out) writeFileSync(flags.out, text, { mode: 0o600 });
    else process.stdout.write(text);
    if (!r.verification.ok) {
      console.error(`koe: the audit chain did NOT verify (${r.verification.problem}); the report may be incomplete`);
      process.exitCode = 1;
    }
  });
}
