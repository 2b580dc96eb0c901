/**
 * `koe access review start|list|show|decide|sign-off|csv`: the stored periodic review
 * (src/auth/periodic-review.ts) from the shell, the same record the console's Access screen works
 * on. Changes run as `--actor`, whose roles must allow the same mutation over GraphQL.
 */
import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { appendAuditEvents } from '../../../audit/append.js';
import {
  decidePeriodicReview, findPeriodicReview, listPeriodicReviewItems, listPeriodicReviews, periodicReviewCsv, refusedDecisionEvent, signOffPeriodicReview, startPeriodicReview,
  type PeriodicReviewItemRecord, type PeriodicReviewRecord,
} from '../../../auth/periodic-review.js';
import { ForbiddenError } from '../../../request/errors.js';
import { unusedSummary } from '../../../auth/unused-permissions.js';
import { fmtDate, withAccessSession } from './session.js';
import { printTable } from './table.js';

const ACTOR_HELP = 'principal id of the reviewer; recorded in the review and the audit trail';
const ITEM_PAGE = 100;

const days = (v: string) => {
  const n = Number.parseInt(v, 10);
  if (!Number.isInteger(n) || n < 1) throw new Error(`"${v}" is not a number of days`);
  return n;
};
const count = (v: string) => {
  const n = Number.parseInt(v, 10);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new Error(`"${v}" is not a number from 1 to 100`);
  return n;
};

function reviewLine(r: PeriodicReviewRecord): string {
  const signed = r.signedOffAt ? `, signed off ${fmtDate(r.signedOffAt)} by ${r.signedOffBy}` : '';
  return `review ${r.id}: ${r.status}, started ${fmtDate(r.startedAt)} UTC by ${r.startedBy}${r.reason ? ` (${r.reason})` : ''}, ${r.decided}/${r.items} decided${signed}`;
}

/** Every item of a review, a page at a time (a review may hold every principal). */
async function* allItems(em: Parameters<typeof listPeriodicReviewItems>[0], reviewId: string): AsyncGenerator<PeriodicReviewItemRecord[]> {
  let after: string | null = null;
  for (;;) {
    const page = await listPeriodicReviewItems(em, reviewId, after, ITEM_PAGE);
    if (page.length) yield page;
    if (page.length < ITEM_PAGE) return;
    after = page.at(-1)!.principalId;
  }
}

export function registerPeriodicReview(review: Command): void {
  // Without this, `review`'s own --unused-days/--out/--format would take the same options given to a verb.
  review.enablePositionalOptions();
  review
    .command('start')
    .description('start a stored periodic review over the principals flagged now, with their unused permissions; refused while another is open')
    .requiredOption('--actor <principal>', ACTOR_HELP)
    .requiredOption('--reason <text>', 'why the review is held (the schedule or audit it answers); kept, masked')
    .option('--unused-days <n>', 'flag principals unused for longer than this, and the window of unused permissions', days, 90)
    .option('--review-days <n>', 'flag principals not reviewed within this period', days, 180)
    .action(async (opts: { actor: string; reason: string; unusedDays: number; reviewDays: number }) => {
      if (!opts.reason.trim()) throw new Error('--reason: say why the review is held');
      await withAccessSession(async (s) => {
        const r = await startPeriodicReview(s.em, { unusedDays: opts.unusedDays, reviewDays: opts.reviewDays, reason: opts.reason }, await s.actor(opts.actor, 'startPeriodicReview'), s.policy);
        console.log(reviewLine(r));
        console.log(`Next: koe access review show ${r.id}, then decide each principal and sign off.`);
      });
    });
  review
    .command('list')
    .description('stored periodic reviews, newest first, a page at a time')
    .option('--first <n>', 'reviews per page (1-100)', count, 20)
    .option('--after <cursor>', 'the cursor printed under the previous page')
    .action(async (opts: { first: number; after?: string }) => {
      const after = opts.after ? parseCursor(opts.after) : null;
      await withAccessSession(async (s) => {
        const rows = await listPeriodicReviews(s.em, after, opts.first + 1);
        const page = rows.slice(0, opts.first);
        if (!page.length) return console.log(after ? 'No more reviews.' : 'No periodic review yet: koe access review start --actor <admin> --reason "…"');
        printTable(['review', 'status', 'started (UTC)', 'by', 'decided', 'signed off (UTC)', 'reason'], page.map((r) => [
          r.id, r.status, fmtDate(r.startedAt), r.startedBy, `${r.decided}/${r.items}`, r.signedOffAt ? `${fmtDate(r.signedOffAt)} ${r.signedOffBy}` : '-', r.reason ?? '-',
        ]));
        if (rows.length > opts.first) console.log(`More: koe access review list --after ${page.at(-1)!.startedAt.toISOString()}_${page.at(-1)!.id}`);
      });
    });
  review
    .command('show <review>')
    .description('one review and each principal in it: roles, flags, unused permissions, decision')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (id: string, opts: { format: 'table' | 'json' }) => {
      await withAccessSession(async (s) => {
        const r = await findPeriodicReview(s.em, id);
        if (!r) throw new Error(`no review "${id}"`);
        const items: PeriodicReviewItemRecord[] = [];
        for await (const page of allItems(s.em, r.id)) items.push(...page);
        if (opts.format === 'json') return void process.stdout.write(`${JSON.stringify({ ...r, items }, null, 2)}\n`);
        console.log(reviewLine(r));
        if (!items.length) return console.log('No principal was flagged when it started.');
        printTable(['principal', 'name', 'roles', 'flags', 'unused permissions', 'decision', 'by'], items.map((i) => [
          i.principalId, i.displayName, i.roles.join(' ') || '-', i.flags.join(' '),
          (i.unusedPermissions && unusedSummary(i.unusedPermissions)) || '-', i.decision ?? 'undecided', i.decidedBy ?? '-',
        ]));
      });
    });
  review
    .command('decide <review> <principal> <decision>')
    .description('record the decision on one principal of the open review: keep, revoke:<role> or disable (applied at sign-off); never on the actor itself')
    .requiredOption('--actor <principal>', ACTOR_HELP)
    .option('--reason <text>', 'why; kept, masked, in the review and the audit trail')
    .action(async (id: string, principal: string, decision: string, opts: { actor: string; reason?: string }) => {
      await withAccessSession(async (s) => {
        const actor = await s.actor(opts.actor, 'decidePeriodicReview');
        const args = { reviewId: id, principalId: principal, action: decision, reason: opts.reason ?? null };
        const item = await decidePeriodicReview(s.em, args, actor, s.policy).catch(async (e: unknown) => {
          // Recorded as a refused GraphQL mutation would be: a reviewer trying to decide their own access is worth an auditor's look.
          if (e instanceof ForbiddenError) await appendAuditEvents(s.em, [refusedDecisionEvent(actor, args, e.message)]);
          throw e;
        });
        const r = (await findPeriodicReview(s.em, id))!;
        console.log(`${item.principalId}: ${item.decision} (by ${actor.id}); ${r.decided}/${r.items} decided${r.decided === r.items ? `: koe access review sign-off ${id} --actor <admin>` : ''}`);
      });
    });
  review
    .command('sign-off <review>')
    .description('apply every decision of the review (each an audited access change) and close it; refused while a principal is undecided or decided its own item')
    .requiredOption('--actor <principal>', ACTOR_HELP)
    .action(async (id: string, opts: { actor: string }) => {
      await withAccessSession(async (s) => {
        const r = await signOffPeriodicReview(s.em, id, await s.actor(opts.actor, 'signOffPeriodicReview'), s.policy);
        console.log(reviewLine(r));
        console.log(`Evidence: koe access review csv ${id} --out access-review-${r.startedAt.toISOString().slice(0, 10)}.csv`);
      });
    });
  review
    .command('csv <review>')
    .description('a signed-off review as CSV (one line per principal: roles, flags, unused permissions, decision, who and when), the evidence for auditors')
    .option('--out <file>', 'write the CSV to this file instead of stdout')
    .action(async (id: string, opts: { out?: string }) => {
      await withAccessSession(async (s) => {
        const csv = await periodicReviewCsv(s.em, id);
        if (!opts.out) return void process.stdout.write(csv);
        writeFileSync(opts.out, csv);
        console.error(`Wrote ${opts.out}.`);
      });
    });
}

function parseCursor(text: string): { at: string; id: string } {
  const m = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)_([0-9a-f-]{36})$/i.exec(text);
  if (!m) throw new Error(`--after "${text}" is not a cursor printed by koe access review list`);
  return { at: m[1]!, id: m[2]! };
}
