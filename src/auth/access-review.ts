/**
 * The periodic access review: every principal with its roles, who granted them and when, its last
 * use (token or API key), and the flags a reviewer must look at, privileged roles and grants that
 * break the policy's separation of duties (granted before the rule) among them. Pure reading;
 * decisions are applied by `applyReviewDecision`, each through `changeAccess` (one transaction, audited).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKeyEntity, PrincipalEntity, type RoleGrant } from '../data/entities/index.js';
import { describeDutyRule, dutyConflicts, effectiveRoles, type PolicySet, type SodRule } from '../policies/index.js';
import { BadUserInputError } from '../request/errors.js';
import { assertKnownRole } from './access-checks.js';
import { changeAccess } from './access-change.js';
import type { AccessActor } from './access-event.js';
import { permissionUsage } from './permission-usage.js';
import { NO_USAGE, UnusedPermissionFinder, type UnusedPermissions } from './unused-permissions.js';

const DAY_MS = 86_400_000;

export type ReviewFlag =
  | 'never-used'
  | 'unused'
  | 'expired'
  | 'disabled-with-keys'
  | 'privileged'
  | 'separation-of-duties'
  | 'not-reviewed';

export interface ReviewRow {
  principalId: string;
  displayName: string;
  status: string;
  roles: string[];
  teamId: string | null;
  grants: RoleGrant[];
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  reviewedAt: Date | null;
  reviewedBy: string | null;
  activeKeys: number;
  /** The separation-of-duties rules the roles break, as `admin+dpo`: grants that predate the rule. */
  conflicts: string[];
  /** PLAIN fields its roles allow but it did not read in PLAIN, and roles it did not use, in the last `unusedDays` (from the trail). */
  unusedPermissions: UnusedPermissions;
  flags: ReviewFlag[];
}

export interface ReviewOptions {
  unusedDays: number;
  reviewDays: number;
  /** Which roles are privileged, and the separation-of-duties rules. */
  policy: PolicySet;
  now?: Date;
  /** One page by principal id (the console's keyset); left out: every principal. */
  page?: { afterId: string | null; limit: number };
}

const latest = (dates: Array<Date | null | undefined>): Date | null =>
  dates.reduce<Date | null>((a, d) => (d && (!a || d > a) ? d : a), null);

function flagsOf(p: PrincipalEntity, lastUsedAt: Date | null, activeKeys: number, conflicts: number, opts: Required<Omit<ReviewOptions, 'page'>>): ReviewFlag[] {
  const flags: ReviewFlag[] = [];
  const age = (d: Date) => (opts.now.getTime() - d.getTime()) / DAY_MS;
  if (!lastUsedAt) flags.push('never-used');
  else if (age(lastUsedAt) > opts.unusedDays) flags.push('unused');
  if (p.expiresAt && p.expiresAt <= opts.now) flags.push('expired');
  if (p.status !== 'active' && activeKeys > 0) flags.push('disabled-with-keys');
  if ([...effectiveRoles(opts.policy, p.roles)].some((r) => opts.policy.roles.get(r)?.privileged)) flags.push('privileged');
  if (conflicts > 0) flags.push('separation-of-duties');
  // Unreviewed: never, too long ago, or a role was granted after the last review.
  const newestGrant = latest(p.roleGrants.map((g) => new Date(g.grantedAt)));
  if (!p.reviewedAt || age(p.reviewedAt) > opts.reviewDays || (newestGrant && newestGrant > p.reviewedAt)) flags.push('not-reviewed');
  return flags;
}

export async function accessReview(em: EntityManager, options: ReviewOptions): Promise<ReviewRow[]> {
  const opts = { ...options, now: options.now ?? new Date() };
  const { page } = options;
  // Principal and key reads wait on each other (a page's keys need its ids); the trail's usage scan runs beside them.
  const usagePending = permissionUsage(em, new Date(opts.now.getTime() - opts.unusedDays * DAY_MS));
  const principals = await em.find(PrincipalEntity, page?.afterId ? { id: { $gt: page.afterId } } : {}, { orderBy: { id: 'asc' }, ...(page ? { limit: page.limit } : {}) });
  const keys = await em.find(ApiKeyEntity, page ? { principalId: { $in: principals.map((p) => p.id) } } : {});
  const usage = await usagePending;
  const finder = new UnusedPermissionFinder(opts.policy);
  return principals.map((p) => {
    const own = keys.filter((k) => k.principalId === p.id);
    const activeKeys = own.filter((k) => !k.revokedAt && (!k.expiresAt || k.expiresAt > opts.now)).length;
    const lastUsedAt = latest([p.lastSeenAt, ...own.map((k) => k.lastUsedAt)]);
    const conflicts = dutyConflicts(opts.policy, p.roles).map((rule) => rule.roles.join('+'));
    const unusedPermissions = finder.find(p, usage.get(p.id) ?? NO_USAGE, opts.unusedDays);
    // Beside the flags, not among them: the flags decide whom `--apply` asks, and stay as they were.
    const flags = flagsOf(p, lastUsedAt, activeKeys, conflicts.length, opts);
    return {
      principalId: p.id,
      displayName: p.displayName,
      status: p.status,
      roles: [...p.roles],
      teamId: p.teamId,
      grants: p.roleGrants,
      lastUsedAt,
      expiresAt: p.expiresAt,
      reviewedAt: p.reviewedAt,
      reviewedBy: p.reviewedBy,
      activeKeys,
      conflicts,
      unusedPermissions,
      flags,
    };
  });
}

export type ReviewAction = { kind: 'keep' } | { kind: 'revoke'; role: string } | { kind: 'disable' };

export interface ReviewDecision {
  principal: string;
  action: ReviewAction;
}

/** `keep`, `revoke:<role>` or `disable`; anything else is BAD_USER_INPUT naming `action`. */
export function parseReviewAction(text: string, knownRoles: ReadonlySet<string>): ReviewAction {
  const t = text.trim();
  if (t === 'keep') return { kind: 'keep' };
  if (t === 'disable') return { kind: 'disable' };
  const m = /^revoke:(\S+)$/.exec(t);
  if (m) {
    assertKnownRole(m[1]!, knownRoles);
    return { kind: 'revoke', role: m[1]! };
  }
  throw new BadUserInputError('action', `"${text}" is not a decision; write keep, revoke:<role> or disable`);
}

/** Applies one decision and marks the principal reviewed by the actor; both steps are audited. */
export async function applyReviewDecision(em: EntityManager, d: ReviewDecision, reviewer: AccessActor, policy: PolicySet): Promise<void> {
  if (d.action.kind === 'revoke') await changeAccess(em, d.principal, { kind: 'revokeRole', role: d.action.role }, reviewer, policy);
  if (d.action.kind === 'disable') await changeAccess(em, d.principal, { kind: 'disablePrincipal' }, reviewer, policy);
  await changeAccess(em, d.principal, { kind: 'review', decision: d.action.kind === 'revoke' ? `revoke:${d.action.role}` : d.action.kind }, reviewer, policy);
}

export interface DutyViolation {
  principalId: string;
  status: string;
  roles: string[];
  rules: SodRule[];
}

/**
 * Principals whose roles break a separation-of-duties rule: granted before the rule existed (new
 * grants are refused). Start-up warns with these rather than refusing to start: a running company
 * must not be locked out of its own platform; the review flags them until someone revokes.
 */
export async function separationOfDutiesViolations(em: EntityManager, policy: PolicySet): Promise<DutyViolation[]> {
  if (policy.governance.separationOfDuties.length === 0) return [];
  const principals = await em.find(PrincipalEntity, {}, { orderBy: { id: 'asc' } });
  return principals
    .map((p) => ({ principalId: p.id, status: p.status, roles: [...p.roles], rules: dutyConflicts(policy, p.roles) }))
    .filter((v) => v.rules.length > 0);
}

/** One line per violation, for the start-up banner and logs. */
export function dutyWarnings(violations: readonly DutyViolation[]): string[] {
  return violations.map(
    (v) => `WARNING separation of duties: ${v.principalId} (${v.status}) holds ${v.rules.map(describeDutyRule).join('; ')}; revoke one role (koe access review flags it)`,
  );
}
