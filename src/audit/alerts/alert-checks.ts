/**
 * Which counters one audit event feeds, per alert rule: pure, so each rule is testable without a
 * database. A check fires when more than `threshold` distinct items are seen for one subject within
 * `window` seconds; `firstSeen` checks fire when a new item joins items already known.
 */
import type { AlertRules } from '../../policies/index.js';
import type { NewAuditEvent } from '../event.js';

export type AlertRuleName = keyof AlertRules;

export interface AlertCheck {
  rule: AlertRuleName;
  /** Whom the count is about: a principal id, or a client address for authentication failures. */
  subject: string;
  items: string[];
  threshold: number;
  window: number;
  /** bi_new_address: fire when an item is new and others were known before it. */
  firstSeen?: boolean;
}

export function alertChecks(event: NewAuditEvent, rules: AlertRules): AlertCheck[] {
  // Alerts are events too; counting them would let one alert feed the next.
  if (event.action.startsWith('alert.')) return [];
  const out: AlertCheck[] = [];
  const actor = event.actorId;
  const r = rules;
  if (r.authentication_failures && event.outcome === 'unauthenticated' && event.clientAddress) {
    out.push({ rule: 'authentication_failures', subject: event.clientAddress, items: [event.requestId], ...r.authentication_failures });
  }
  if (!actor) return out;
  if (r.plain_customer_reads && event.fields.some((f) => f.decision === 'PLAIN' && f.field.startsWith('Customer.'))) {
    // The event counts decisions per field, not per record: every customer it touched counts.
    const customers = event.resources.filter((x) => x.startsWith('Customer:'));
    if (customers.length) out.push({ rule: 'plain_customer_reads', subject: actor, items: customers, ...r.plain_customer_reads });
  }
  // Keyed by request id: the gateway's fetches to two subgraphs are one refused request.
  if (r.repeated_forbidden && (event.outcome === 'denied' || event.outcome === 'partial')) {
    out.push({ rule: 'repeated_forbidden', subject: actor, items: [event.requestId], ...r.repeated_forbidden });
  }
  const ah = r.after_hours;
  if (ah && event.roles.some((role) => ah.roles.includes(role)) && outsideHours(event.at, ah)) {
    out.push({ rule: 'after_hours', subject: actor, items: [event.requestId], threshold: 0, window: 3600 });
  }
  const bi = r.bi_new_address;
  if (bi && event.clientAddress && event.roles.some((role) => bi.roles.includes(role))) {
    out.push({ rule: 'bi_new_address', subject: actor, items: [event.clientAddress], threshold: 1, window: 0, firstSeen: true });
  }
  return out;
}

const WEEKDAY: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Building a formatter costs far more than using one: one per time zone. */
const clocks = new Map<string, Intl.DateTimeFormat>();
function clockIn(timeZone: string): Intl.DateTimeFormat {
  let clock = clocks.get(timeZone);
  if (!clock) clocks.set(timeZone, (clock = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  return clock;
}

/** Where the cached reading applies: every zone's offset has been whole minutes since 1972 (Monrovia was the last). */
const WHOLE_MINUTE_OFFSETS_FROM = Date.UTC(1973, 0, 1);
/** Per time zone, the last UTC minute read and its local day and minute: one formatter call per zone and minute, not per event. */
const lastReading = new Map<string, { utcMinute: number; day: number; minute: number }>();

/** The weekday (1 = Monday) and minute of the day at `at` in `timeZone`. */
export function localClock(at: Date, timeZone: string): { day: number; minute: number } {
  const ms = at.getTime();
  const utcMinute = Math.floor(ms / 60_000);
  const cached = ms >= WHOLE_MINUTE_OFFSETS_FROM ? lastReading.get(timeZone) : undefined;
  if (cached?.utcMinute === utcMinute) return cached;
  const parts = clockIn(timeZone).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const reading = { utcMinute, day: WEEKDAY[get('weekday')] ?? 0, minute: Number(get('hour')) * 60 + Number(get('minute')) };
  if (ms >= WHOLE_MINUTE_OFFSETS_FROM) lastReading.set(timeZone, reading);
  return reading;
}

export function outsideHours(at: Date, rule: NonNullable<AlertRules['after_hours']>): boolean {
  const { day, minute } = localClock(at, rule.timeZone);
  return !rule.days.includes(day) || minute < rule.fromMinute || minute >= rule.toMinute;
}
