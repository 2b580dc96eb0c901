/**
 * `koe incident …`: answering "whose data did this credential see, and in what form?" from the
 * audit trail (report), and stopping the credential (contain), which GraphQL's containPrincipal
 * does the same way.
 */
import type { Command } from 'commander';
import { containPrincipal } from '../../auth/contain-principal.js';
import { withAccessSession } from './access/session.js';
import { registerIncidentReport } from './incident-report.command.js';

interface ContainFlags {
  principal: string;
  reason: string;
  actor: string;
}

export function registerIncident(program: Command): void {
  const incident = program.command('incident').description('incidents involving personal data (APPI Art. 26): report whose data was seen, contain the credential');
  registerIncidentReport(incident);
  incident
    .command('contain')
    .description('disable a principal and revoke all its API keys in one audited transaction; its next request is refused with 401')
    .requiredOption('--principal <id>', 'the principal to contain')
    .requiredOption('--reason <text>', 'the incident and its reference, kept (masked) in the audit event')
    .requiredOption('--actor <principal>', 'who contains it; its roles must allow containPrincipal (admin), recorded in the audit trail')
    .addHelpText('after', '\nRefused for the last active admin (nothing changes). Bearer tokens need no revocation: status is read on every request.')
    .action(async (flags: ContainFlags) => {
      await withAccessSession(async (s) => {
        const actor = await s.actor(flags.actor, 'containPrincipal');
        const done = await containPrincipal(s.em, flags.principal, flags.reason, actor, s.policy);
        const keys = done.revokedKeys.length ? done.revokedKeys.join(', ') : 'none';
        console.log(`${done.principal.id}: contained (status ${done.principal.status}${done.wasDisabled ? ', already disabled' : ''}; API keys revoked: ${keys}) by ${actor.id}`);
      });
    });
}
