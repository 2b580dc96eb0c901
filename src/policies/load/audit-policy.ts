/**
 * Compiles the `alerts:` and `retention:` sections (audit.policy.yaml) after the schema passed:
 * each section once across the directory, roles that exist, a time zone Intl knows. Problems
 * carry file:line like every other policy problem.
 */
import type { Problem } from '../errors.js';
import type { AfterHoursRule, AlertRules, AuditPolicy, RetentionRule, Seconds } from '../model.js';
import { suggest } from '../suggest.js';
import { locate, type ParsedFile } from './yaml-source.js';

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, y: 365 * 86_400 };
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** `10m` → 600. The schema already checked the shape. */
export function parseDuration(text: string): Seconds {
  return Number(text.slice(0, -1)) * UNIT_SECONDS[text.slice(-1)]!;
}

interface RawAlerts {
  plain_customer_reads?: { threshold: number; window: string };
  repeated_forbidden?: { threshold: number; window: string };
  authentication_failures?: { threshold: number; window: string };
  after_hours?: { hours: string; days?: string[]; timeZone: string; roles: string[] };
  bi_new_address?: { roles: string[] };
}

export function compileAuditPolicy(files: readonly ParsedFile[], roles: ReadonlySet<string>, problems: Problem[]): AuditPolicy {
  let alerts: AlertRules = {};
  let retention: RetentionRule[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const data = file.data as { alerts?: RawAlerts; retention?: Record<string, string> };
    for (const section of ['alerts', 'retention'] as const) {
      if (data[section] === undefined) continue;
      const at = locate(file, [section], 'key');
      const before = seen.get(section);
      if (before) problems.push({ loc: at, message: `"${section}:" is declared twice (first in ${before}): keep one` });
      seen.set(section, file.source.path);
    }
    if (data.alerts) alerts = compileAlerts(file, data.alerts, roles, problems);
    if (data.retention) retention = compileRetention(data.retention);
  }
  return { alerts, retention };
}

function compileAlerts(file: ParsedFile, raw: RawAlerts, roles: ReadonlySet<string>, problems: Problem[]): AlertRules {
  const checkRoles = (rule: string, names: readonly string[]) =>
    names.forEach((r, i) => {
      if (!roles.has(r)) problems.push({ loc: locate(file, ['alerts', rule, 'roles', String(i)]), message: `unknown role "${r}" ${suggest(r, roles, 'roles')}` });
    });
  const threshold = (r?: { threshold: number; window: string }) => (r ? { threshold: r.threshold, window: parseDuration(r.window) } : undefined);
  let afterHours: AfterHoursRule | undefined;
  if (raw.after_hours) {
    const a = raw.after_hours;
    checkRoles('after_hours', a.roles);
    if (!validTimeZone(a.timeZone)) problems.push({ loc: locate(file, ['alerts', 'after_hours', 'timeZone']), message: `unknown time zone "${a.timeZone}": use an IANA name such as Asia/Tokyo` });
    const [from, to] = a.hours.split('-').map((hm) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3))) as [number, number];
    if (from >= to) problems.push({ loc: locate(file, ['alerts', 'after_hours', 'hours']), message: 'working hours must end after they start (HH:MM-HH:MM, same day)' });
    const days = (a.days ?? ['mon', 'tue', 'wed', 'thu', 'fri']).map((d) => DAYS.indexOf(d) + 1);
    afterHours = { fromMinute: from, toMinute: to, days, timeZone: a.timeZone, roles: a.roles };
  }
  if (raw.bi_new_address) checkRoles('bi_new_address', raw.bi_new_address.roles);
  return {
    plain_customer_reads: threshold(raw.plain_customer_reads),
    repeated_forbidden: threshold(raw.repeated_forbidden),
    authentication_failures: threshold(raw.authentication_failures),
    after_hours: afterHours,
    bi_new_address: raw.bi_new_address ? { roles: raw.bi_new_address.roles } : undefined,
  };
}

function compileRetention(raw: Record<string, string>): RetentionRule[] {
  const rank = (a: string) => (a === 'default' ? -1 : a.endsWith('.*') ? a.length : 10_000);
  return Object.entries(raw)
    .map(([action, period]) => ({ action, period: parseDuration(period) }))
    .sort((a, b) => rank(b.action) - rank(a.action));
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
