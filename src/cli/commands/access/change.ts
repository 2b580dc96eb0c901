/**
 * `koe access grant|revoke|disable|enable|set-team`: one audited change each, as `--actor`, whose
 * roles must allow the same mutation over GraphQL. A privileged role is requested, not granted:
 * `koe access approve|reject|cancel <request>` (grant-requests.ts) decide it.
 */
import type { Command } from 'commander';
import { changeAccess, type AccessChange } from '../../../auth/access-change.js';
import { fmtDate, withAccessSession } from './session.js';

interface ActorOption {
  actor: string;
  reason?: string;
}

async function run(principal: string, change: AccessChange, opts: ActorOption): Promise<void> {
  await withAccessSession(async (s) => {
    const { principal: p, request } = await changeAccess(s.em, principal, change, await s.actor(opts.actor, change.kind), s.policy, opts.reason ?? null);
    console.log(`${p.id}: status ${p.status}, roles [${p.roles.join(', ')}], team ${p.teamId ?? '-'} (recorded as ${change.kind} by ${opts.actor})`);
    if (request) {
      console.log(
        `"${request.role}" is privileged: grant request ${request.id} waits until ${fmtDate(request.expiresAt)} UTC for another admin ` +
          `(neither ${request.requestedBy} nor ${request.principalId}): koe access approve ${request.id} --actor <admin>`,
      );
    }
  });
}

const ACTOR_HELP = 'principal id of whoever makes the change; recorded in the audit trail';
const REASON_HELP = 'why (e.g. the ticket); kept, masked, in the change’s audit event for the next review';

export function registerAccessChanges(access: Command): void {
  access
    .command('grant <principal> <role>')
    .description('grant a role the policy defines; effective on the principal’s next request (a privileged role waits for a second admin)')
    .requiredOption('--actor <principal>', ACTOR_HELP)
    .option('--reason <text>', REASON_HELP)
    .action((principal: string, role: string, opts: ActorOption) => run(principal, { kind: 'grantRole', role }, opts));
  access
    .command('revoke <principal> <role>')
    .description('revoke a role; effective on the principal’s next request')
    .requiredOption('--actor <principal>', ACTOR_HELP)
    .option('--reason <text>', REASON_HELP)
    .action((principal: string, role: string, opts: ActorOption) => run(principal, { kind: 'revokeRole', role }, opts));
  access
    .command('disable <principal>')
    .description('disable a leaver: every later request (tokens and API keys) is refused with 401')
    .requiredOption('--actor <principal>', ACTOR_HELP)
    .option('--reason <text>', REASON_HELP)
    .action((principal: string, opts: ActorOption) => run(principal, { kind: 'disablePrincipal' }, opts));
  access
    .command('enable <principal>')
    .description('enable a disabled principal again')
    .requiredOption('--actor <principal>', ACTOR_HELP)
    .option('--reason <text>', REASON_HELP)
    .action((principal: string, opts: ActorOption) => run(principal, { kind: 'enablePrincipal' }, opts));
  access
    .command('set-team <principal> [team]')
    .description('move a principal to another team (no team when left out); team-scoped rules follow at once')
    .requiredOption('--actor <principal>', ACTOR_HELP)
    .option('--reason <text>', REASON_HELP)
    .action((principal: string, team: string | undefined, opts: ActorOption) => run(principal, { kind: 'setPrincipalTeam', teamId: team ?? null }, opts));
}
