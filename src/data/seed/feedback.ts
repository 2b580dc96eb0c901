/**
 * Feedback over the six months before `now`, from customers active in that window (a few send
 * many, most send few) and about 3% from anonymous senders. Rating follows the topic's mood and
 * sentiment follows rating; old items are mostly resolved, recent ones still open.
 */
import { makeAddress, makeEmail, makePhone, type PostalAddress } from './contact.js';
import type { CustomerDraft } from './customers.js';
import type { DemoFeedback, DemoPurchase, FeedbackChannel, TeamId } from './demo-data.types.js';
import { writeMessage, type Writer } from './feedback-text.js';
import { FAMILY_NAMES, GIVEN_NAMES } from './names.js';
import { PREFECTURES } from './places.js';
import { WeightedTable, type Random, type UniqueIds } from './random.js';
import { PENDING_NOTES, RESOLVED_NOTES, TAGS, TOPICS, type Mood, type Topic } from './texts.js';
import { DAY, instantBetween } from './time.js';

const WINDOW_DAYS = 183;
const ANONYMOUS_RATE = 0.03;
const HOUR = 3_600_000;
const JST_OFFSET = 9 * HOUR;

const CHANNELS = new WeightedTable<FeedbackChannel>([
  ['EMAIL', 20], ['WEB', 24], ['PHONE', 16], ['SNS', 12], ['STORE', 12], ['SURVEY', 16],
]);
const TOPIC_TABLE = new WeightedTable(TOPICS.map((t) => [t, t.weight] as const));
const PREFECTURE_TABLE = new WeightedTable(PREFECTURES.map((p) => [p, p.weight] as const));

const RATINGS: Readonly<Record<Mood, WeightedTable<number>>> = {
  neg: new WeightedTable([[0, 6], [1, 12], [2, 16], [3, 16], [4, 12], [5, 6], [6, 2]]),
  pos: new WeightedTable([[6, 2], [7, 10], [8, 26], [9, 28], [10, 34]]),
  ask: new WeightedTable([[3, 5], [4, 10], [5, 25], [6, 25], [7, 20], [8, 15]]),
  mixed: new WeightedTable([[3, 8], [4, 15], [5, 25], [6, 25], [7, 20], [8, 7]]),
};
// Forms and surveys ask for a score; a post or a call usually comes without one.
const RATING_NULL_RATE: Readonly<Record<FeedbackChannel, number>> = {
  EMAIL: 0.03, WEB: 0.03, PHONE: 0.65, SNS: 0.65, STORE: 0.03, SURVEY: 0,
};
// Phone lines and stores keep business hours (quieter at lunch); writing happens all day, peaking in the evening.
const BUSINESS_HOURS = new WeightedTable<number>(Array.from({ length: 11 }, (_, i) => [9 + i, i === 3 ? 6 : 10] as const));
const WRITING_HOURS = new WeightedTable<number>(
  Array.from({ length: 24 }, (_, h) => [h, h < 6 ? 1 : h < 9 ? 4 : h < 18 ? 8 : h < 23 ? 12 : 5] as const),
);

type Status = DemoFeedback['status'];
const STATUS_THIS_WEEK = new WeightedTable<Status>([['OPEN', 55], ['IN_PROGRESS', 30], ['RESOLVED', 15]]);
const STATUS_THIS_MONTH = new WeightedTable<Status>([['OPEN', 15], ['IN_PROGRESS', 30], ['RESOLVED', 55]]);
const STATUS_OLDER = new WeightedTable<Status>([['OPEN', 1], ['IN_PROGRESS', 3], ['RESOLVED', 96]]);
const NOTE_RATE: Readonly<Record<Status, number>> = { OPEN: 0.02, IN_PROGRESS: 0.25, RESOLVED: 0.2 };
const SENTIMENTS = ['POSITIVE', 'NEUTRAL', 'NEGATIVE'] as const;
// A few customers write a lot, most write now and then. Integer weights keep draws exact on every platform.
const WRITING_FREQUENCY = new WeightedTable<number>([[1, 60], [2, 25], [3, 10], [5, 5]]);

/** Keeps the day of `t` but moves it to an hour people use `channel`, when that stays in range. */
function atTypicalHour(rng: Random, t: number, channel: FeedbackChannel, lo: number, hi: number): number {
  const hours = channel === 'PHONE' || channel === 'STORE' ? BUSINESS_HOURS : WRITING_HOURS;
  const dayStart = Math.floor((t + JST_OFFSET) / DAY) * DAY - JST_OFFSET;
  const moved = dayStart + hours.draw(rng) * HOUR + rng.int(0, 3599) * 1000;
  return moved >= lo && moved <= hi ? moved : t;
}

function sentimentOf(rng: Random, rating: number | null, mood: Mood): DemoFeedback['sentiment'] {
  if (rng.chance(0.03)) return rng.pick(SENTIMENTS); // the classifier is wrong now and then
  if (rating === null) return mood === 'neg' ? 'NEGATIVE' : mood === 'pos' ? 'POSITIVE' : 'NEUTRAL';
  return rating <= 4 ? 'NEGATIVE' : rating >= 8 ? 'POSITIVE' : 'NEUTRAL';
}

function tagsFor(rng: Random, topic: Topic): string[] {
  const tags: string[] = [...topic.tags];
  if (rng.chance(0.1)) {
    const extra = rng.pick(TAGS);
    if (!tags.includes(extra)) tags.push(extra);
  }
  return tags;
}

function splitAddress(full: string): PostalAddress {
  const m = /^〒(\d{3}-\d{4}) (.*)$/.exec(full);
  return { postal: m?.[1] ?? '', street: m?.[2] ?? full, full };
}

interface Sender {
  readonly customerId: string | null;
  readonly teamId: TeamId;
  readonly writer: Writer;
}

/** What a known customer brings to every message they write; built once per customer. */
interface Regular {
  readonly customerId: string;
  readonly teamId: TeamId;
  readonly region: Writer['region'];
  readonly bought: readonly string[];
  readonly contact: Writer['contact'];
  readonly from: number;
  readonly to: number;
  /** How often this customer writes, relative to others. */
  readonly weight: number;
}

function anonymousSender(
  rng: Random,
  channel: FeedbackChannel,
  emails: Set<string>,
  t: number,
  window: { from: number; to: number },
): Sender {
  const home = PREFECTURE_TABLE.draw(rng);
  const given = rng.pick(GIVEN_NAMES);
  const contact = {
    phone: makePhone(rng, home),
    email: makeEmail(rng, rng.pick(FAMILY_NAMES), given, rng.int(1950, 2005), emails),
    address: makeAddress(rng, home),
  };
  // Without a customer the team comes from the channel: stores and calls are regional, the rest online.
  const regional = channel === 'STORE' || channel === 'PHONE';
  const teamId: TeamId = !regional ? 'team-online' : home.region === 'east' ? 'team-east' : 'team-west';
  const receivedAt = atTypicalHour(rng, t, channel, window.from, window.to);
  return { customerId: null, teamId, writer: { region: home.region, bought: [], contact, receivedAt } };
}

/** Someone who was a customer at `t` (createdAt <= t <= lastActivityAt), or null when nobody was. */
function regularAt(rng: Random, active: readonly Regular[], table: WeightedTable<Regular>, t: number): Regular | null {
  for (let k = 0; k < 40; k++) {
    const r = table.draw(rng);
    if (r.from <= t && t <= r.to) return r;
  }
  // Near the ends of the window few customers qualify; scan from a random point instead.
  const n = active.length;
  const start = n > 0 ? rng.int(0, n - 1) : 0;
  for (let k = 0; k < n; k++) {
    const r = active[(start + k) % n] as Regular;
    if (r.from <= t && t <= r.to) return r;
  }
  return null;
}

function regularSender(rng: Random, r: Regular, channel: FeedbackChannel, t: number): Sender {
  const receivedAt = atTypicalHour(rng, t, channel, r.from, r.to);
  const writer: Writer = { region: r.region, bought: r.bought, contact: r.contact, receivedAt };
  return { customerId: r.customerId, teamId: r.teamId, writer };
}

/** Customers active in the window, each with how often they write. */
function regulars(
  rng: Random,
  drafts: readonly CustomerDraft[],
  purchases: readonly DemoPurchase[],
  windowStart: number,
): Regular[] {
  const bought = new Map<string, string[]>();
  for (const p of purchases) {
    const list = bought.get(p.customerId);
    if (list) list.push(p.productName);
    else bought.set(p.customerId, [p.productName]);
  }
  const active = drafts.filter((d) => d.customer.lastActivityAt.getTime() >= windowStart);
  return active.map(({ customer, home }) => ({
    customerId: customer.id,
    teamId: customer.teamId,
    region: home.region,
    bought: bought.get(customer.id) ?? [],
    contact: { phone: customer.phone, email: customer.email, address: splitAddress(customer.address) },
    from: Math.max(windowStart, customer.createdAt.getTime()),
    to: customer.lastActivityAt.getTime(),
    weight: WRITING_FREQUENCY.draw(rng),
  }));
}

export function generateFeedback(
  rng: Random,
  ids: UniqueIds,
  drafts: readonly CustomerDraft[],
  purchases: readonly DemoPurchase[],
  count: number,
  now: number,
): DemoFeedback[] {
  const windowStart = now - WINDOW_DAYS * DAY;
  const active = regulars(rng, drafts, purchases, windowStart);
  const table = active.length > 0 ? new WeightedTable(active.map((r) => [r, r.weight] as const)) : null;
  const anonymousEmails = new Set<string>();
  const out: DemoFeedback[] = [];
  for (let i = 0; i < count; i++) {
    const channel = CHANNELS.draw(rng);
    const topic = TOPIC_TABLE.draw(rng);
    // Time first, then someone who was a customer then, so the volume is even over the window.
    const t = instantBetween(rng, windowStart, now);
    const regular = !table || rng.chance(ANONYMOUS_RATE) ? null : regularAt(rng, active, table, t);
    const sender = regular
      ? regularSender(rng, regular, channel, t)
      : anonymousSender(rng, channel, anonymousEmails, t, { from: windowStart, to: now });
    const { subject, body, filler } = writeMessage(rng, channel, topic, sender.writer);
    const rating = rng.chance(RATING_NULL_RATE[channel]) ? null : RATINGS[topic.mood].draw(rng);
    const ageDays = (now - sender.writer.receivedAt) / DAY;
    const status = (ageDays < 7 ? STATUS_THIS_WEEK : ageDays < 30 ? STATUS_THIS_MONTH : STATUS_OLDER).draw(rng);
    // Fresh items may not have been through sentiment analysis yet.
    const analysed = !(status === 'OPEN' && ageDays < 2 && rng.chance(0.5));
    const notes = status !== 'RESOLVED' ? PENDING_NOTES : topic.notes.length > 0 ? topic.notes : RESOLVED_NOTES;
    out.push({
      id: ids.next(rng),
      customerId: sender.customerId,
      channel,
      receivedAt: new Date(sender.writer.receivedAt),
      subject,
      body,
      rating,
      sentiment: analysed ? sentimentOf(rng, rating, topic.mood) : null,
      tags: tagsFor(rng, topic),
      status,
      teamId: sender.teamId,
      note: rng.chance(NOTE_RATE[status]) ? filler.fill(rng.pick(notes)) : null,
    });
  }
  // Stable sort: ties keep generation order, so output stays deterministic.
  return out.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
}
