/** Adds one request's field decisions to `koe_field_decisions_total`, by role, field and outcome. */
import type { KoeContext } from '../../request/context.js';
import type { KoeMetrics } from './metrics.js';

export function recordDecisions(metrics: KoeMetrics): (ctx: KoeContext) => void {
  return (ctx) => {
    const role = ctx.principal.roles.join(',') || 'none';
    for (const { field, decision, count } of ctx.decisions.entries()) metrics.decisions.inc({ role, field, decision }, count);
  };
}

/** PLAIN decisions of one request: what the PLAIN-read rate limit counts. */
export function plainReads(ctx: KoeContext): number {
  let n = 0;
  for (const { decision, count } of ctx.decisions.entries()) if (decision === 'PLAIN') n += count;
  return n;
}
