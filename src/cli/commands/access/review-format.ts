/** The access review report as a table (people), JSON or CSV (spreadsheets, evidence for auditors). */
import type { ReviewRow } from '../../../auth/access-review.js';
import { unusedSummary } from '../../../auth/unused-permissions.js';
import { csvCell } from '../../../audit/csv-cell.js';
import { printTable } from './table.js';
import { fmtDate } from './session.js';

export type ReviewFormat = 'table' | 'json' | 'csv';

const grantsText = (r: ReviewRow) => r.grants.map((g) => `${g.role} by ${g.grantedBy ?? '?'} ${g.grantedAt.slice(0, 10)}`).join('; ');

const unusedText = (r: ReviewRow) => unusedSummary(r.unusedPermissions) || '-';

export function formatReview(rows: ReviewRow[], format: ReviewFormat): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  const header = ['principal', 'name', 'status', 'roles', 'granted', 'last use', 'expires', 'reviewed', 'active keys', 'flags', 'conflicts', 'unused permissions'];
  const cells = rows.map((r) => [
    r.principalId,
    r.displayName,
    r.status,
    r.roles.join(' '),
    grantsText(r),
    fmtDate(r.lastUsedAt),
    fmtDate(r.expiresAt),
    r.reviewedAt ? `${fmtDate(r.reviewedAt)} by ${r.reviewedBy ?? '?'}` : '-',
    String(r.activeKeys),
    r.flags.join(' '),
    r.conflicts.join(' ') || '-',
    unusedText(r),
  ]);
  // CSV leaves a missing value empty rather than the table's "-".
  if (format === 'csv') return `${[header, ...cells].map((row) => row.map((c) => csvCell(c === '-' ? '' : c)).join(',')).join('\n')}\n`;
  const lines: string[] = [];
  printTable(header, cells, (l) => lines.push(l));
  const flagged = rows.filter((r) => r.flags.length > 0).length;
  lines.push('', `${rows.length} principals, ${flagged} flagged`);
  const days = rows[0]?.unusedPermissions.days;
  if (days !== undefined) lines.push(`unused permissions: from the audit trail of the last ${days} days (--unused-days); PLAIN→MASKED = allowed in PLAIN, not read in PLAIN`);
  return `${lines.join('\n')}\n`;
}
