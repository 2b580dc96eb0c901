/**
 * The periodic access review as a record a reviewer works through: `startPeriodicReview` snapshots
 * the principals `accessReview` flags, a decision (keep / revoke:<role> / disable) is recorded per
 * principal, and `signOffPeriodicReview` applies them all in one transaction through
 * `applyReviewDecision` (each change audited as `access.revokeRole`, `access.disablePrincipal`,
 * `access.review`) once every principal is decided. The signed-off review is the evidence an
 * auditor asks for, as CSV. One review is open at a time (a unique index), so two admins cannot
 * run two at once. GraphQL and `koe access review start|decide|sign-off…` (src/cli/commands/access/
 * periodic.ts) call these; `koe access review --apply` shares `applyReviewDecision`. Each item keeps
 * the unused permissions found at the start (issue 19 §2), shown beside its flags. Segregation of
 * duties: nobody decides their own item (FORBIDDEN), and sign-off refuses an item its own principal
 * decided (recorded before the rule), so every principal's access is judged by someone else.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { appendAuditEvents } from '../audit/append.js';
import { csvCell } from '../audit/csv-cell.js';
import { maskReason } from '../audit/mutation-detail.js';
import type { NewAuditEvent } from '../audit/event.js';
import type { PolicySet } from '../policies/index.js';
import { unusedSummary, type UnusedPermissions } from './unused-permissions.js';
import { BadUserInputError, ForbiddenError } from '../request/errors.js';
import { auditAccessEvent, type AccessActor } from './access-event.js';
import { accessReview, applyReviewDecision, parseReviewAction } from './access-review.js';

export interface PeriodicReviewRecord {
  id: string;
  status: 'open' | 'signed_off';
  startedBy: string;
  startedAt: Date;
  unusedDays: number;
  reviewDays: number;
  reason: string | null;
  signedOffBy: string | null;
  signedOffAt: Date | null;
  items: number;
  decided: number;
}

export interface PeriodicReviewItemRecord {
  id: string;
  reviewId: string;
  principalId: string;
  displayName: string;
  status: string;
  roles: string[];
  flags: string[];
  /** Null on reviews started before they were recorded. */
  unusedPermissions: UnusedPermissions | null;
  decision: string | null;
  reason: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
}

type Row = Record<string, unknown>;
const date = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

const REVIEW_COLUMNS = `r.*, (select count(*) from access_review_item i where i.review_id = r.id) as items,
  (select count(*) from access_review_item i where i.review_id = r.id and i.decision is not null) as decided`;

function toReview(r: Row): PeriodicReviewRecord {
  return {
    id: r.id as string,
    status: r.status as 'open' | 'signed_off',
    startedBy: r.started_by as string,
    startedAt: date(r.started_at)!,
    unusedDays: Number(r.unused_days),
    reviewDays: Number(r.review_days),
    reason: (r.reason as string | null) ?? null,
    signedOffBy: (r.signed_off_by as string | null) ?? null,
    signedOffAt: date(r.signed_off_at),
    items: Number(r.items ?? 0),
    decided: Number(r.decided ?? 0),
  };
}

function toItem(r: Row): PeriodicReviewItemRecord {
  return {
    id: `${r.review_id as string}/${r.principal_id as string}`,
    reviewId: r.review_id as string,
    principalId: r.principal_id as string,
    displayName: r.display_name as string,
    status: r.status as string,
    roles: r.roles as string[],
    flags: r.flags as string[],
    unusedPermissions: (r.unused_permissions as UnusedPermissions | null) ?? null,
    decision: (r.decision as string | null) ?? null,
    reason: (r.reason as string | null) ?? null,
    decidedBy: (r.decided_by as string | null) ?? null,
    decidedAt: date(r.decided_at),
  };
}

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

export async function findPeriodicReview(em: EntityManager, id: string): Promise<PeriodicReviewRecord | null> {
  if (!isUuid(id)) throw new BadUserInputError('id', `"${id}" is not a review id`);
  const [row] = await em.execute<Row[]>(`select ${REVIEW_COLUMNS} from access_review r where r.id = ?`, [id]);
  return row ? toReview(row) : null;
}

/** Newest first, keyset on (startedAt, id). */
export async function listPeriodicReviews(em: EntityManager, after: { at: string; id: string } | null, limit: number): Promise<PeriodicReviewRecord[]> {
  const where = after ? `where (r.started_at, r.id) < (?::timestamptz, ?::uuid)` : '';
  const rows = await em.execute<Row[]>(`select ${REVIEW_COLUMNS} from access_review r ${where} order by r.started_at desc, r.id desc limit ?`, [...(after ? [after.at, after.id] : []), limit]);
  return rows.map(toReview);
}

/** A review's principals by id, keyset on the principal id. */
export async function listPeriodicReviewItems(em: EntityManager, reviewId: string, afterPrincipal: string | null, limit: number): Promise<PeriodicReviewItemRecord[]> {
  if (!isUuid(reviewId)) throw new BadUserInputError('reviewId', `"${reviewId}" is not a review id`);
  const rows = await em.execute<Row[]>(
    `select * from access_review_item where review_id = ? ${afterPrincipal ? 'and principal_id > ?' : ''} order by principal_id limit ?`,
    [reviewId, ...(afterPrincipal ? [afterPrincipal] : []), limit],
  );
  return rows.map(toItem);
}

export async function startPeriodicReview(
  em: EntityManager,
  opts: { unusedDays: number; reviewDays: number; reason: string | null },
  actor: AccessActor,
  policy: PolicySet,
): Promise<PeriodicReviewRecord> {
  if (opts.reason != null && opts.reason.length > 500) throw new BadUserInputError('reason', 'at most 500 characters');
  const reason = opts.reason?.trim() ? maskReason(opts.reason) : null;
  for (const [name, v] of [['unusedDays', opts.unusedDays], ['reviewDays', opts.reviewDays]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 3650) throw new BadUserInputError(name, 'a number of days between 1 and 3650');
  }
  const flagged = (await accessReview(em, { ...opts, policy })).filter((r) => r.flags.length > 0);
  const id = randomUUID();
  const now = new Date();
  await em.transactional(async (tx) => {
    const [open] = await tx.execute<Row[]>(`select id from access_review where status = 'open'`);
    if (open) throw new BadUserInputError('review', `review ${open.id as string} is still open: sign it off first`);
    await tx.execute(`insert into access_review (id, started_by, started_at, unused_days, review_days, reason) values (?, ?, ?, ?, ?, ?)`, [id, actor.id, now, opts.unusedDays, opts.reviewDays, reason]);
    for (const r of flagged) {
      await tx.execute(
        `insert into access_review_item (review_id, principal_id, display_name, status, roles, flags, unused_permissions) values (?, ?, ?, ?, array(select jsonb_array_elements_text(?::jsonb)), array(select jsonb_array_elements_text(?::jsonb)), ?::jsonb)`,
        [id, r.principalId, r.displayName, r.status, JSON.stringify(r.roles), JSON.stringify(r.flags), JSON.stringify(r.unusedPermissions)],
      );
    }
    const detail = { reviewId: id, unusedDays: opts.unusedDays, reviewDays: opts.reviewDays, ...(reason ? { reason } : {}), flagged: flagged.map((r) => r.principalId) };
    await appendAuditEvents(tx, [auditAccessEvent(actor, 'access.reviewStarted', [`AccessReview:${id}`], detail, now)]);
  });
  return (await findPeriodicReview(em, id))!;
}

async function openReview(tx: EntityManager, reviewId: string): Promise<Row> {
  if (!isUuid(reviewId)) throw new BadUserInputError('reviewId', `"${reviewId}" is not a review id`);
  const [review] = await tx.execute<Row[]>(`select * from access_review where id = ? for update`, [reviewId]);
  if (!review) throw new BadUserInputError('reviewId', `no review "${reviewId}"`);
  if (review.status !== 'open') throw new BadUserInputError('reviewId', `review ${reviewId} was signed off; start a new one`);
  return review;
}

export interface ReviewDecisionArgs {
  reviewId: string;
  principalId: string;
  action: string;
  reason: string | null;
}

/** The rule a reviewer deciding their own item breaks, named in the refusal. */
export const OWN_ITEM_RULE = 'Segregation of duties: no reviewer may decide their own access';

/** Refuses a decision on the reviewer's own item: another reviewer (an admin) must decide it. */
export function assertNotOwnItem(actor: AccessActor, args: { principalId: string; reviewId?: string }): void {
  if (actor.id !== args.principalId) return;
  const where = args.reviewId ? ` in review ${args.reviewId}` : '';
  throw new ForbiddenError(`${OWN_ITEM_RULE}: another reviewer must decide ${args.principalId}${where}`, { argument: 'principalId' });
}

/**
 * The audit event of a decision refused outside GraphQL (the CLI), where no request event records
 * it; over GraphQL the refused mutation's own event does (outcome `denied`).
 */
export function refusedDecisionEvent(actor: AccessActor, args: ReviewDecisionArgs, refusal: string): NewAuditEvent {
  const detail = { reviewId: args.reviewId, principalId: args.principalId, decision: args.action, refused: refusal };
  return { ...auditAccessEvent(actor, 'access.reviewDecided', [`AccessReview:${args.reviewId}`, `Principal:${args.principalId}`], detail), outcome: 'denied' };
}

/** Records (or changes) the decision on one principal of an open review; applied at sign-off. */
export async function decidePeriodicReview(
  em: EntityManager,
  args: ReviewDecisionArgs,
  actor: AccessActor,
  policy: PolicySet,
): Promise<PeriodicReviewItemRecord> {
  assertNotOwnItem(actor, args);
  const action = parseReviewAction(args.action, new Set(policy.roles.keys()));
  return em.transactional(async (tx) => {
    await openReview(tx, args.reviewId);
    const [item] = await tx.execute<Row[]>(`select * from access_review_item where review_id = ? and principal_id = ?`, [args.reviewId, args.principalId]);
    if (!item) throw new BadUserInputError('principalId', `${args.principalId} is not in review ${args.reviewId}`);
    if (action.kind === 'revoke' && !(item.roles as string[]).includes(action.role)) {
      throw new BadUserInputError('action', `${args.principalId} did not hold "${action.role}" when the review started`);
    }
    const decision = action.kind === 'revoke' ? `revoke:${action.role}` : action.kind;
    const reason = args.reason?.trim() ? maskReason(args.reason) : null;
    const now = new Date();
    const [row] = await tx.execute<Row[]>(
      `update access_review_item set decision = ?, reason = ?, decided_by = ?, decided_at = ? where review_id = ? and principal_id = ? returning *`,
      [decision, reason, actor.id, now, args.reviewId, args.principalId],
    );
    const detail = { reviewId: args.reviewId, principalId: args.principalId, decision, ...(reason ? { reason } : {}) };
    await appendAuditEvents(tx, [auditAccessEvent(actor, 'access.reviewDecided', [`AccessReview:${args.reviewId}`, `Principal:${args.principalId}`], detail, now)]);
    return toItem(row!);
  });
}

/** Applies every decision and closes the review, all or nothing; refused while a principal is undecided. */
export async function signOffPeriodicReview(em: EntityManager, reviewId: string, actor: AccessActor, policy: PolicySet): Promise<PeriodicReviewRecord> {
  await em.transactional(async (tx) => {
    await openReview(tx, reviewId);
    const items = (await tx.execute<Row[]>(`select * from access_review_item where review_id = ? order by principal_id`, [reviewId])).map(toItem);
    const undecided = items.filter((i) => i.decision === null);
    if (undecided.length) throw new BadUserInputError('reviewId', `${undecided.length} principal(s) still undecided: ${undecided.slice(0, 5).map((i) => i.principalId).join(', ')}`);
    // Decided before the rule existed (or written around it): the decision stands only once someone else makes it.
    const own = items.filter((i) => i.decidedBy === i.principalId);
    if (own.length) throw new ForbiddenError(`${OWN_ITEM_RULE}: ${own.map((i) => i.principalId).join(', ')} decided their own item; another reviewer must decide it again before sign-off`, { argument: 'reviewId' });
    const knownRoles = new Set(policy.roles.keys());
    for (const i of items) await applyReviewDecision(tx, { principal: i.principalId, action: parseReviewAction(i.decision!, knownRoles) }, actor, policy);
    const now = new Date();
    await tx.execute(`update access_review set status = 'signed_off', signed_off_by = ?, signed_off_at = ? where id = ?`, [actor.id, now, reviewId]);
    const detail = { reviewId, decisions: items.map((i) => ({ principalId: i.principalId, decision: i.decision })) };
    await appendAuditEvents(tx, [auditAccessEvent(actor, 'access.reviewSignedOff', [`AccessReview:${reviewId}`], detail, now)]);
  });
  return (await findPeriodicReview(em, reviewId))!;
}

/** The signed-off review as CSV: who held what, why flagged, what was decided, by whom and when. */
export async function periodicReviewCsv(em: EntityManager, reviewId: string): Promise<string> {
  const review = await findPeriodicReview(em, reviewId);
  if (!review) throw new BadUserInputError('id', `no review "${reviewId}"`);
  if (review.status !== 'signed_off') throw new BadUserInputError('id', `review ${reviewId} is not signed off yet`);
  const items = (await em.execute<Row[]>(`select * from access_review_item where review_id = ? order by principal_id`, [reviewId])).map(toItem);
  const header = ['review', 'started at', 'started by', 'signed off at', 'signed off by', 'principal', 'name', 'status', 'roles', 'flags', 'decision', 'reason', 'decided by', 'decided at', 'unused permissions', 'review reason'];
  const lines = items.map((i) => [
    review.id, review.startedAt.toISOString(), review.startedBy, review.signedOffAt!.toISOString(), review.signedOffBy!,
    i.principalId, i.displayName, i.status, i.roles.join(' '), i.flags.join(' '), i.decision!, i.reason ?? '', i.decidedBy ?? '', i.decidedAt?.toISOString() ?? '',
    i.unusedPermissions ? unusedSummary(i.unusedPermissions) : '', review.reason ?? '',
  ]);
  return `${[header, ...lines].map((row) => row.map((c) => csvCell(c)).join(',')).join('\n')}\n`;
}
