/**
 * `koe provision export`: gives a named third party the feedback of a period under its recipient
 * policy (recipients.policy.yaml: which fields, PLAIN or masked) as JSON lines, leaves out the
 * customers without the consent the provision relies on (third_party in Japan, transfer_abroad
 * abroad, APPI Art. 27–28) and writes the provision record (Art. 29) and a `provision.export` audit
 * event in the same transaction. The file appears only once that transaction has committed.
 * `--actor` must hold a role the policy allows to record a provision (`recordProvision`: the DPO),
 * as over GraphQL: being an active principal is not enough, and nobody provides anonymously.
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { appendAuditEvents } from '../../audit/append.js';
import { auditAccessEvent } from '../../auth/access-event.js';
import { pendingMigrations } from '../../data/migrate.js';
import { exportProvision, provisionDetail, ProvisionPurposeError, recipientMaskContext } from '../../data/provision/provision-export.js';
import { openRuntime } from '../runtime.js';
import { assertActorMay, cliActor } from './cli-actor.js';
import { checkPurpose, cliAction, CliError, EXIT_USAGE, loadPolicyFrom } from './policy/cli-support.js';

interface ExportFlags {
  recipient: string;
  purpose: string;
  since?: string;
  until?: string;
  channel?: string;
  out?: string;
  actor: string;
  dir?: string;
}

export function registerProvision(program: Command): void {
  const provision = program.command('provision').description('third-party provision (APPI Art. 27–29): export under a recipient policy, with its provision record');
  provision
    .command('export')
    .description(
      'export feedback for a recipient of recipients.policy.yaml as JSON lines (its fields only, masked as its policy says), ' +
        'leaving out customers without consent to the provision (third_party; transfer_abroad for a recipient abroad), and write the provision record',
    )
    .requiredOption('--recipient <id>', 'recipient id from recipients.policy.yaml')
    .requiredOption('--purpose <purpose>', 'the purpose of use the data is provided for; must be the recipient’s')
    .option('--since <date>', 'feedback received at or after this ISO date or time')
    .option('--until <date>', 'feedback received before this ISO date or time')
    .option('--channel <channel>', 'only feedback of this channel (EMAIL, PHONE, WEB, SNS, STORE, SURVEY)')
    .option('--out <file>', 'write the JSON lines to this file (created once the record is written) instead of standard output')
    .requiredOption('--actor <principal>', 'principal id recorded as the provider; its roles must allow recordProvision (the DPO)')
    .option('--dir <dir>', 'policy directory (default: $KOE_POLICY_DIR, else policies/)')
    .addHelpText(
      'after',
      '\nThe counts (feedback exported, customers included, customers excluded for want of consent) go to standard error.' +
        '\nRecords are kept at least 3 years; list them with the provisionRecords query (dpo, auditor).' +
        '\nExit codes: 0 exported, 1 failed (nothing recorded, no file), 2 bad input or an --actor the policy does not allow to provide.',
    )
    .action(cliAction(exportCommand));
}

function parseDate(flag: string, text: string | undefined): Date | null {
  if (text === undefined) return null;
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new CliError(`${flag} "${text}" is not a date: use an ISO date such as 2026-01-01 or 2026-01-01T09:00:00+09:00`, EXIT_USAGE);
  return d;
}

async function exportCommand(flags: ExportFlags): Promise<void> {
  const { set } = await loadPolicyFrom(flags.dir);
  const recipient = set.recipients.get(flags.recipient);
  if (!recipient) throw new CliError(`no recipient "${flags.recipient}" in the policy files (declared: ${[...set.recipients.keys()].join(', ') || 'none'})`, EXIT_USAGE);
  checkPurpose(set, flags.purpose);
  if (flags.purpose !== recipient.purpose) throw new CliError(`recipient "${recipient.id}" receives data for the purpose "${recipient.purpose}" only, not "${flags.purpose}"`, EXIT_USAGE);
  const since = parseDate('--since', flags.since);
  const until = parseDate('--until', flags.until);
  if (since && until && since >= until) throw new CliError('--until must be after --since', EXIT_USAGE);

  const rt = await openRuntime((l) => console.error(l));
  const partial = flags.out ? `${flags.out}.partial` : null;
  let out: Writable | null = null;
  try {
    const pending = await pendingMigrations(rt.orm);
    if (pending.length) throw new CliError(`the database lacks ${pending.length} migration(s): run koe migrate first`);
    const em = rt.orm.em.fork();
    const actor = await cliActor(em, flags.actor, set.version);
    assertActorMay(set, actor, 'recordProvision');
    out = partial ? createWriteStream(partial, { mode: 0o600 }) : process.stdout;
    const result = await exportProvision(em, await rt.crypto(), {
      recipient, purpose: flags.purpose, since, until, channel: flags.channel ?? null, actorId: actor.id, via: 'cli', out,
      maskContext: recipientMaskContext(rt.secrets.pseudonymKey, recipient.id),
      onRecorded: async (tx, r) => {
        const detail = { ...provisionDetail(r), out: flags.out ?? 'stdout' };
        await appendAuditEvents(tx, [{ ...auditAccessEvent(actor, 'provision.export', [`ProvisionRecord:${r.record.id}`], detail), purpose: flags.purpose }]);
      },
    });
    if (partial && out) {
      out.end();
      await finished(out);
      renameSync(partial, flags.out!);
    }
    console.error(
      `Provided ${result.records} feedback records of ${result.customers} customers to ${recipient.name} (${recipient.country}); ` +
        `excluded ${result.excluded} customers without consent to ${result.record.consentPurpose}. Provision record ${result.record.id}, kept until ${result.record.keepUntil.toISOString().slice(0, 10)}.`,
    );
  } catch (e) {
    if (partial) {
      out?.destroy();
      rmSync(partial, { force: true });
    }
    if (e instanceof ProvisionPurposeError) throw new CliError(e.message, EXIT_USAGE);
    throw e;
  } finally {
    await rt.close();
  }
}
