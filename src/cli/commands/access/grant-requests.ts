/** `koe access requests|approve|reject|cancel`: grants of privileged roles, decided by a second admin. */
import type { Command } from 'commander';
import { decideGrantRequest, listGrantRequests, type GrantDecision } from '../../../auth/grant-request.js';
import { GRANT_REQUEST_STATUSES, type GrantRequestStatus } from '../../../data/entities/index.js';
import { fmtDate, withAccessSession } from './session.js';
import { printTable } from './table.js';

const MUTATION: Record<GrantDecision, string> = { approve: 'approveGrant', reject: 'rejectGrant', cancel: 'cancelGrant' };

async function decide(id: string, decision: GrantDecision, opts: { actor: string; reason?: string }): Promise<void> {
  await withAccessSession(async (s) => {
    const r = await decideGrantRequest(s.em, id, decision, await s.actor(opts.actor, MUTATION[decision]), s.policy, opts.reason ?? null);
    console.log(`grant request ${r.id}: "${r.role}" for ${r.principalId} ${r.status} by ${opts.actor} (requested by ${r.requestedBy})`);
  });
}

export function registerGrantRequests(access: Command): void {
  access
    .command('requests')
    .description('grant requests of privileged roles, newest first (a pending one past its expiry shows as expired)')
    .option('--status <status>', `only this status: ${GRANT_REQUEST_STATUSES.join(', ')}`)
    .option('--principal <principal>', 'only requests for this principal')
    .action(async (opts: { status?: string; principal?: string }) => {
      if (opts.status && !(GRANT_REQUEST_STATUSES as readonly string[]).includes(opts.status)) {
        throw new Error(`--status ${opts.status}: use one of ${GRANT_REQUEST_STATUSES.join(', ')}`);
      }
      await withAccessSession(async (s) => {
        const rows = await listGrantRequests(s.em, { status: (opts.status as GrantRequestStatus | undefined) ?? null, principalId: opts.principal ?? null }, 1000, null);
        const cells = rows.map((r) => [r.id, r.principalId, r.role, r.requestedBy, fmtDate(r.requestedAt), fmtDate(r.expiresAt), r.status, r.decidedBy ?? '-']);
        printTable(['id', 'principal', 'role', 'requested by', 'requested', 'expires', 'status', 'decided by'], cells);
      });
    });
  access
    .command('approve <request>')
    .description('approve a grant request: another admin than the requester and the grantee; refused once expired')
    .requiredOption('--actor <principal>', 'principal id of the approving admin; recorded in the audit trail')
    .action((id: string, opts: { actor: string }) => decide(id, 'approve', opts));
  access
    .command('reject <request>')
    .description('reject a grant request')
    .requiredOption('--actor <principal>', 'principal id of the rejecting admin; recorded in the audit trail')
    .option('--reason <text>', 'why, recorded with the decision')
    .action((id: string, opts: { actor: string; reason?: string }) => decide(id, 'reject', opts));
  access
    .command('cancel <request>')
    .description('withdraw your own grant request')
    .requiredOption('--actor <principal>', 'principal id of the requester; recorded in the audit trail')
    .action((id: string, opts: { actor: string }) => decide(id, 'cancel', opts));
}
