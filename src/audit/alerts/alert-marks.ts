/**
 * The shared counters in `audit_alert_mark`: one insert per check adds its distinct items to the
 * current time bucket, one select counts the window. Windows slide by tenths (a window is ten
 * buckets), so a count is exact to within a tenth of the window at its trailing edge.
 */
import type { Sql } from '../chain-reader.js';
import type { AlertCheck } from './alert-checks.js';

const BUCKETS_PER_WINDOW = 10;
/** About one check in this many also deletes its rule's rows older than two windows. */
const SWEEP_EVERY = 500;
const ALERTED = '!alerted';

/**
 * What one alert sink already knows cannot fire again, so the check needs no statement at all:
 * a threshold-0 rule (after hours) whose aligned window was claimed, and a first-seen item already
 * known (learned items are kept for good). Both only skip work whose answer is settled; bounded.
 * One per sink, not per process: a server on another database has settled nothing there.
 */
export type AlertMemory = Map<string, number>;
const MAX_SETTLED = 10_000;

function remember(settled: AlertMemory, key: string, value: number): void {
  if (settled.size >= MAX_SETTLED) settled.clear();
  settled.set(key, value);
}

const knownItem = (check: AlertCheck, item: string) => `${check.rule}\u0000${check.subject}\u0000${item}`;

/** The count the check reaches, or null when it does not fire (or another instance fired it). */
export async function markAndCount(sql: Sql, check: AlertCheck, at: Date, settled: AlertMemory): Promise<number | null> {
  const size = Math.max(1, Math.floor(check.window / BUCKETS_PER_WINDOW));
  const seconds = Math.floor(at.getTime() / 1000);
  const windowStart = Math.floor(seconds / Math.max(1, check.window)) * Math.max(1, check.window);
  const claimKey = check.threshold === 0 && !check.firstSeen ? `${check.rule}\u0000${check.subject}` : null;
  if (claimKey !== null && settled.get(claimKey) === windowStart) return null;
  if (check.firstSeen && check.items.length === 1 && settled.has(knownItem(check, check.items[0]!))) return null;
  const count = await markAndCountInDb(sql, check, seconds, size, windowStart);
  if (claimKey !== null) remember(settled, claimKey, windowStart);
  if (check.firstSeen) for (const item of check.items) remember(settled, knownItem(check, item), 0);
  return count;
}

async function markAndCountInDb(sql: Sql, check: AlertCheck, seconds: number, size: number, windowStart: number): Promise<number | null> {
  const bucket = check.firstSeen ? 0 : Math.floor(seconds / size);
  if (!check.firstSeen && Math.random() * SWEEP_EVERY < 1) {
    // Counts only look one window back; learned addresses (firstSeen) are kept for good.
    await sql('delete from audit_alert_mark where rule = ? and at < now() - make_interval(secs => ?)', [check.rule, 2 * Math.max(1, check.window)]);
  }
  const added = await sql('insert into audit_alert_mark (rule, subject, bucket, item) select ?, ?, ?, json_array_elements_text(?::json) on conflict do nothing returning item', [check.rule, check.subject, bucket, JSON.stringify(check.items)]);
  if (check.firstSeen && added.length === 0) return null;
  const [row] = await sql<{ n: number }>(
    'select count(distinct item)::int as n from audit_alert_mark where rule = ? and subject = ? and bucket >= ? and item <> ?',
    [check.rule, check.subject, check.firstSeen ? 0 : bucket - BUCKETS_PER_WINDOW + 1, ALERTED],
  );
  const n = row?.n ?? 0;
  if (n <= check.threshold) return null;
  if (check.firstSeen) return n;
  // One alert per subject per aligned window, whichever instance crosses the threshold first.
  const claimed = await sql('insert into audit_alert_mark (rule, subject, bucket, item) values (?, ?, ?, ?) on conflict do nothing returning item', [check.rule, check.subject, -windowStart, ALERTED]);
  return claimed.length ? n : null;
}
