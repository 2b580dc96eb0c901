/**
 * `koe subject …`: data-subject requests from the command line. `export` prints everything held
 * on one customer as JSON (the same document as the `subjectExport` query) and records a
 * `subject.export` audit event before anything is printed: no disclosure without its record.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { appendAuditEvents } from '../../audit/append.js';
import { maskReason } from '../../audit/mutation-detail.js';
import { auditAccessEvent } from '../../auth/access-event.js';
import { pendingMigrations } from '../../data/migrate.js';
import { subjectExport } from '../../data/subject-export.js';
import { cliPolicy, openRuntime } from '../runtime.js';
import { cliActor } from './cli-actor.js';
import { cliAction, CliError, EXIT_USAGE } from './policy/cli-support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface ExportFlags {
  out?: string;
  reason?: string;
}

export function registerSubject(program: Command): void {
  const subject = program.command('subject').description('data-subject requests (APPI Art. 33–35) handled by the data protection officer');
  subject
    .command('export <customerId>')
    .description('print everything held on one customer, decrypted, as JSON: customer fields, consents with history, purchases, feedback')
    .option('--out <file>', 'write the JSON to this file instead of standard output')
    .option('--reason <text>', 'why the export was made (the request and its reference), kept in the audit event')
    .addHelpText('after', '\nExit codes: 0 exported, 1 no such customer or the database is not migrated, 2 bad input.')
    .action(cliAction(exportSubject));
}

async function exportSubject(customerId: string, flags: ExportFlags): Promise<void> {
  if (!UUID.test(customerId)) throw new CliError(`customer id "${customerId}" is not a UUID`, EXIT_USAGE);
  const rt = await openRuntime((l) => console.error(l));
  try {
    const pending = await pendingMigrations(rt.orm);
    if (pending.length) throw new CliError(`the database lacks ${pending.length} migration(s): run koe migrate first`);
    const em = rt.orm.em.fork();
    const exported = await subjectExport(em, await rt.crypto(), customerId);
    if (!exported) throw new CliError(`no customer "${customerId}"`);
    const policy = await cliPolicy();
    const actor = await cliActor(em, undefined, policy.version);
    const detail = { customerId, erased: exported.erased, ...(flags.reason ? { reason: maskReason(flags.reason) } : {}), out: flags.out ?? 'stdout' };
    await appendAuditEvents(em, [{ ...auditAccessEvent(actor, 'subject.export', [`Customer:${customerId}`], detail), purpose: 'compliance' }]);
    const json = JSON.stringify(exported, null, 2);
    if (flags.out) {
      writeFileSync(flags.out, `${json}\n`, { mode: 0o600 });
      console.error(`Exported customer ${customerId} to ${flags.out}.`);
    } else {
      console.log(json);
    }
  } finally {
    await rt.close();
  }
}
