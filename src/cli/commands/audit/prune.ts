/** `koe audit prune`: retention. A dry run unless --apply; only through koe_audit_prune. */
import type { Command } from 'commander';
import { planPrune, pruneChain } from '../../../audit/prune.js';
import { withAuditRuntime } from './audit-runtime.js';

export function registerAuditPrune(audit: Command): void {
  audit
    .command('prune')
    .description('remove audit events older than --before, leaving a signed checkpoint so the rest still verifies (dry run unless --apply)')
    .requiredOption('--before <iso>', 'events before this time are expired')
    .option('--apply', 'really remove them (verifies the chain first)')
    .action(async (flags: { before: string; apply?: boolean }) => {
      const before = new Date(flags.before);
      if (Number.isNaN(before.getTime())) throw new Error(`--before must be an ISO date or time (got "${flags.before}")`);
      await withAuditRuntime(async ({ rt, sql, key }) => {
        if (!flags.apply) {
          const plan = await planPrune(sql, before);
          console.log(plan.cut ? `Would remove ${plan.events} events (up to seq ${plan.cut.seq}); run again with --apply.` : 'Nothing to prune.');
          return;
        }
        const { removed, plan } = await pruneChain(rt.orm.em.fork(), sql, key, before);
        console.log(plan.cut ? `Removed ${removed} events; the chain now starts after the checkpoint at seq ${plan.cut.seq}.` : 'Nothing to prune.');
      });
    });
}
