/**
 * `koe audit prune`: retention. A dry run unless --apply; only through koe_audit_prune. Without
 * --before, the periods per action of `retention:` in the policy files decide (see retention.ts).
 */
import type { Command } from 'commander';
import { planPrune, pruneChain } from '../../../audit/prune.js';
import { planRetention, pruneByRetention, type RetentionPlan } from '../../../audit/retention.js';
import { loadPolicyFrom } from '../policy/cli-support.js';
import { withAuditRuntime } from './audit-runtime.js';

export function registerAuditPrune(audit: Command): void {
  audit
    .command('prune')
    .description('remove expired audit events, leaving a signed checkpoint so the rest still verifies (dry run unless --apply)')
    .option('--before <iso>', 'events before this time are expired (default: the retention: periods per action in the policy files)')
    .option('--policy-dir <dir>', 'the policy directory (default KOE_POLICY_DIR, else policies/)')
    .option('--apply', 'really remove them (verifies the chain first)')
    .action(async (flags: { before?: string; policyDir?: string; apply?: boolean }) => {
      if (flags.before === undefined) return pruneByPolicy(flags.policyDir, flags.apply ?? false);
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

async function pruneByPolicy(dir: string | undefined, apply: boolean): Promise<void> {
  const { set } = await loadPolicyFrom(dir);
  const rules = set.audit.retention;
  if (rules.length === 0) throw new Error('no retention: section in the policy files (see policies/README.md), and no --before given');
  await withAuditRuntime(async ({ rt, sql, key }) => {
    if (!apply) {
      const plan = await planRetention(sql, rules);
      console.log(plan.cut ? `Would remove ${plan.events} events (up to seq ${plan.cut.seq}); run again with --apply.` : 'Nothing to prune.');
      report(plan);
      return;
    }
    const { removed, plan } = await pruneByRetention(rt.orm.em.fork(), sql, key, rules);
    console.log(plan.cut ? `Removed ${removed} events; the chain now starts after the checkpoint at seq ${plan.cut.seq}.` : 'Nothing to prune.');
    report(plan);
  });
}

function report(plan: RetentionPlan): void {
  for (const [action, n] of Object.entries(plan.byAction)) console.log(`  ${action}: ${n}`);
  if (plan.heldBack && plan.firstKept) {
    console.log(`${plan.heldBack} more expired events are kept behind seq ${plan.firstKept.seq} (${plan.firstKept.action}, ${plan.firstKept.at.toISOString()}), which is still within its period: the chain is pruned only from its start.`);
  }
}
