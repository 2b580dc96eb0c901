/**
 * The dashboard's period: the last N whole weeks in Asia/Tokyo, Monday to Sunday as feedbackStats
 * buckets WEEK (PostgreSQL's ISO weeks), so the first bar is never a partial week. No DOM: the
 * browser test computes the same filter to ask the API what the page should show.
 */
export const WEEK_CHOICES = [13, 26, 52, 156] as const;
export type Weeks = (typeof WEEK_CHOICES)[number];

const JST_MS = 9 * 3_600_000;
const DAY_MS = 86_400_000;

/** Monday 00:00 JST of the week `weeks - 1` weeks before the one `now` falls in, as an ISO instant. */
export function periodStart(weeks: number, now = new Date()): string {
  const tokyo = new Date(now.getTime() + JST_MS);
  const sinceMonday = (tokyo.getUTCDay() + 6) % 7;
  const monday = Date.UTC(tokyo.getUTCFullYear(), tokyo.getUTCMonth(), tokyo.getUTCDate()) - sinceMonday * DAY_MS;
  return new Date(monday - (weeks - 1) * 7 * DAY_MS - JST_MS).toISOString();
}
