import { describe, expect, it } from 'vitest';
import { luhnCheckDigit } from '../../src/data/seed/contact.js';
import { DEMO_PRINCIPALS, TEAMS, generateDemoData, type DemoFeedback } from '../../src/data/seed/demo-data.js';
import { PREFECTURES } from '../../src/data/seed/places.js';
import { Random } from '../../src/data/seed/random.js';

const NOW = Date.parse('2026-11-01T00:00:00Z');
const DAY = 86_400_000;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const PHONE = /0\d{1,3}-\d{2,4}-\d{4}/;
const PHONE_FULL_WIDTH = /０[０-９]{1,3}－[０-９]{2,4}－[０-９]{4}/;
const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)+/;
const POSTAL = /\d{3}-\d{4}/;
const STREET = new RegExp(`(${PREFECTURES.map((p) => p.name).join('|')})\\S+?\\d+-\\d+-\\d+`);
const CARD = /\b\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}\b/;

const data = generateDemoData();

function passesLuhn(digits: string): boolean {
  return luhnCheckDigit(digits.slice(0, -1)) === Number(digits.slice(-1));
}

function share<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  return items.filter(predicate).length / items.length;
}

describe(generateDemoData.name, () => {
  it('returns byte-identical output for the same options', () => {
    expect(JSON.stringify(generateDemoData())).toBe(JSON.stringify(data));
  });

  it('returns different output for a different seed', () => {
    const other = generateDemoData({ seed: 1 });
    expect(other.customers[0]?.id).not.toBe(data.customers[0]?.id);
    expect(JSON.stringify(other.feedback)).not.toBe(JSON.stringify(data.feedback));
  });

  // Guards against feedback generation sharing a stream with customers: asking for more feedback
  // must not reshuffle the customer base that tests and fixtures refer to.
  it('keeps customers unchanged when only the feedback count changes', () => {
    const more = generateDemoData({ feedback: 100 });
    expect(JSON.stringify(more.customers)).toBe(JSON.stringify(data.customers));
  });

  it('anchors every date to the given now, not the wall clock', () => {
    const now = new Date('2020-04-01T00:00:00Z');
    const past = generateDemoData({ now, customers: 100, feedback: 300 });
    const times = [
      ...past.customers.map((c) => c.lastActivityAt.getTime()),
      ...past.feedback.map((f) => f.receivedAt.getTime()),
    ];
    expect(Math.max(...times)).toBeLessThanOrEqual(now.getTime());
    expect(Math.min(...past.feedback.map((f) => f.receivedAt.getTime()))).toBeGreaterThan(now.getTime() - 185 * DAY);
  });

  it('produces the default counts, and the requested ones', () => {
    expect(data.customers).toHaveLength(600);
    expect(data.feedback).toHaveLength(5000);
    const small = generateDemoData({ customers: 50, feedback: 200 });
    expect(small.customers).toHaveLength(50);
    expect(small.feedback).toHaveLength(200);
  });

  it.each([
    ['customers', { customers: -1 }],
    ['feedback', { feedback: 1.5 }],
  ])('refuses a bad %s count', (_name, opts) => {
    expect(() => generateDemoData(opts)).toThrow(RangeError);
  });

  it('gives every record a unique UUID v4-shaped id', () => {
    const ids = [...data.customers, ...data.purchases, ...data.consents, ...data.feedback].map((r) => r.id);
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('demo customers', () => {
  const { customers } = data;

  it('covers all 47 prefectures, each address naming its own prefecture', () => {
    expect(new Set(customers.map((c) => c.prefecture)).size).toBe(47);
    for (const c of customers) {
      expect(c.address).toMatch(/^〒\d{3}-\d{4} /);
      expect(c.address.startsWith(`〒${c.address.slice(1, 9)} ${c.prefecture}`)).toBe(true);
    }
  });

  it('weights prefectures by population', () => {
    const tokyo = customers.filter((c) => c.prefecture === '東京都').length;
    const tottori = customers.filter((c) => c.prefecture === '鳥取県').length;
    expect(tokyo).toBeGreaterThan(5 * tottori);
  });

  it('gives each of the three teams at least 100 customers', () => {
    for (const team of TEAMS) expect(customers.filter((c) => c.teamId === team).length).toBeGreaterThanOrEqual(100);
  });

  it('writes names as family and given name, in kanji and in katakana', () => {
    for (const c of customers) {
      expect(c.name).toMatch(/^\S+ \S+$/);
      expect(c.nameKana).toMatch(/^[ァ-ヶー]+ [ァ-ヶー]+$/);
    }
    expect(new Set(customers.map((c) => c.name.split(' ')[0])).size).toBeGreaterThanOrEqual(40);
  });

  it('uses only example domains and unique e-mail addresses', () => {
    for (const c of customers) expect(c.email).toMatch(/^[a-z0-9._-]+@([a-z]+\.)*example\.[a-z.]+$/);
    expect(new Set(customers.map((c) => c.email)).size).toBe(customers.length);
  });

  it('mixes mobile and landline phone numbers', () => {
    const mobile = share(customers, (c) => /^0[789]0-\d{4}-\d{4}$/.test(c.phone));
    expect(mobile).toBeGreaterThan(0.7);
    expect(mobile).toBeLessThan(1);
    for (const c of customers) expect(c.phone.replace(/-/g, '')).toMatch(/^0\d{9,10}$/);
  });

  it('keeps birth dates in 1945–2006 and activity inside the customer lifetime', () => {
    for (const c of customers) {
      expect(c.birthDate).toMatch(/^(19[4-9]\d|200[0-6])-\d{2}-\d{2}$/);
      expect(Number(c.birthDate.slice(0, 4))).toBeGreaterThanOrEqual(1945);
      expect(c.createdAt.getTime()).toBeGreaterThanOrEqual(NOW - 3 * 365 * DAY);
      expect(c.lastActivityAt.getTime()).toBeGreaterThanOrEqual(c.createdAt.getTime());
      expect(c.lastActivityAt.getTime()).toBeLessThanOrEqual(NOW);
    }
  });

  it('has about 10% of customers inactive for over two years', () => {
    const inactive = share(customers, (c) => NOW - c.lastActivityAt.getTime() > 2 * 365 * DAY);
    expect(inactive).toBeGreaterThan(0.05);
    expect(inactive).toBeLessThan(0.16);
  });
});

describe('demo purchases and consents', () => {
  it('gives each customer 0–8 purchases with whole-yen amounts', () => {
    const perCustomer = new Map<string, number>();
    for (const p of data.purchases) perCustomer.set(p.customerId, (perCustomer.get(p.customerId) ?? 0) + 1);
    expect(Math.max(...perCustomer.values())).toBeLessThanOrEqual(8);
    for (const p of data.purchases) {
      expect(Number.isInteger(p.amount) && p.amount > 0).toBe(true);
      expect(p.productName.length).toBeGreaterThan(0);
    }
  });

  it('differs in consent between customers', () => {
    const sets = new Map<string, string[]>();
    for (const c of data.consents) sets.set(c.customerId, [...(sets.get(c.customerId) ?? []), c.purpose]);
    expect(new Set([...sets.values()].map((s) => s.sort().join(','))).size).toBeGreaterThan(5);
  });

  it.each([
    ['support', 0.9, 1],
    ['analytics', 0.6, 0.8],
    ['marketing', 0.3, 0.5],
    ['transfer_abroad', 0.05, 0.16],
    ['third_party', 0.13, 0.28],
  ])('grants %s to a share of customers between %d and %d', (purpose, lo, hi) => {
    const rate = data.consents.filter((c) => c.purpose === purpose).length / data.customers.length;
    expect(rate).toBeGreaterThanOrEqual(lo);
    expect(rate).toBeLessThanOrEqual(hi);
  });

  it('withdraws some marketing consents, never before they were granted', () => {
    const withdrawn = data.consents.filter((c) => c.withdrawnAt !== null);
    expect(withdrawn.length).toBeGreaterThan(0);
    for (const c of withdrawn) {
      expect(c.purpose).toBe('marketing');
      expect(c.withdrawnAt!.getTime()).toBeGreaterThanOrEqual(c.grantedAt.getTime());
    }
  });
});

describe('demo feedback', () => {
  const { feedback } = data;
  const byId = new Map(data.customers.map((c) => [c.id, c]));

  it('uses all six channels, each well represented', () => {
    for (const channel of ['EMAIL', 'PHONE', 'WEB', 'SNS', 'STORE', 'SURVEY'] as const) {
      expect(share(feedback, (f) => f.channel === channel)).toBeGreaterThan(0.05);
    }
  });

  it('puts contact data typed by the customer into at least 20% of bodies', () => {
    const hasPii = (f: DemoFeedback) =>
      PHONE.test(f.body) || PHONE_FULL_WIDTH.test(f.body) || EMAIL.test(f.body) || POSTAL.test(f.body) || STREET.test(f.body);
    expect(share(feedback, hasPii)).toBeGreaterThanOrEqual(0.2);
    expect(feedback.some((f) => PHONE_FULL_WIDTH.test(f.body))).toBe(true);
  });

  it('uses the customer’s own phone or e-mail when it types one', () => {
    const own = feedback.filter((f) => f.customerId !== null && (PHONE.test(f.body) || EMAIL.test(f.body)));
    for (const f of own.slice(0, 200)) {
      const c = byId.get(f.customerId!)!;
      expect(f.body.includes(c.phone) || f.body.includes(c.email)).toBe(true);
    }
  });

  it('contains a few card numbers, all passing the Luhn check', () => {
    const cards = feedback.map((f) => CARD.exec(f.body)?.[0]).filter((c): c is string => c !== undefined);
    expect(cards.length / feedback.length).toBeGreaterThan(0.003);
    expect(cards.length / feedback.length).toBeLessThan(0.03);
    for (const card of cards) expect(passesLuhn(card.replace(/\D/g, ''))).toBe(true);
  });

  it('keeps ratings within 0–10, null for about a fifth, sentiment following rating', () => {
    for (const f of feedback) if (f.rating !== null) expect(Number.isInteger(f.rating) && f.rating >= 0 && f.rating <= 10).toBe(true);
    const nulls = share(feedback, (f) => f.rating === null);
    expect(nulls).toBeGreaterThan(0.12);
    expect(nulls).toBeLessThan(0.28);
    const high = feedback.filter((f) => f.rating !== null && f.rating >= 8);
    expect(share(high, (f) => f.sentiment === 'POSITIVE')).toBeGreaterThan(0.9);
  });

  it('links feedback to customers of the same team, with about 3% anonymous', () => {
    for (const f of feedback) {
      expect(TEAMS).toContain(f.teamId);
      if (f.customerId !== null) expect(byId.get(f.customerId)?.teamId).toBe(f.teamId);
    }
    const anonymous = share(feedback, (f) => f.customerId === null);
    expect(anonymous).toBeGreaterThan(0.01);
    expect(anonymous).toBeLessThan(0.06);
  });

  it('receives feedback in the six months before now, while the customer was active', () => {
    for (const f of feedback) {
      expect(f.receivedAt.getTime()).toBeLessThanOrEqual(NOW);
      expect(f.receivedAt.getTime()).toBeGreaterThanOrEqual(NOW - 185 * DAY);
      const c = f.customerId === null ? undefined : byId.get(f.customerId);
      if (c) expect(f.receivedAt.getTime()).toBeLessThanOrEqual(c.lastActivityAt.getTime());
    }
  });

  it('resolves most old items and leaves recent ones open', () => {
    const old = feedback.filter((f) => NOW - f.receivedAt.getTime() > 60 * DAY);
    const recent = feedback.filter((f) => NOW - f.receivedAt.getTime() < 7 * DAY);
    expect(share(old, (f) => f.status === 'RESOLVED')).toBeGreaterThan(0.9);
    expect(share(recent, (f) => f.status !== 'RESOLVED')).toBeGreaterThan(0.6);
  });

  it('tags every item and leaves subjects empty mostly on SNS and PHONE', () => {
    for (const f of feedback) expect(f.tags.length).toBeGreaterThan(0);
    const sns = feedback.filter((f) => f.channel === 'SNS');
    const email = feedback.filter((f) => f.channel === 'EMAIL');
    expect(share(sns, (f) => f.subject === null)).toBeGreaterThan(0.7);
    expect(share(email, (f) => f.subject === null)).toBeLessThan(0.1);
  });
});

describe('demo principals', () => {
  it.each([
    ['p-admin', ['admin'], null, 'active'],
    ['p-support-east', ['support_agent'], 'team-east', 'active'],
    ['p-support-west', ['support_agent'], 'team-west', 'active'],
    ['p-analyst', ['analyst'], null, 'active'],
    ['p-bi', ['bi_readonly'], null, 'active'],
    ['p-marketing', ['marketing'], null, 'active'],
    ['p-auditor', ['auditor'], null, 'active'],
    ['p-dpo', ['dpo'], null, 'active'],
    ['p-ingest', ['ingest'], null, 'active'],
    ['p-leaver', ['support_agent'], 'team-east', 'disabled'],
  ])('%s has roles %j, team %s and is %s', (id, roles, teamId, status) => {
    expect(data.principals.find((p) => p.id === id)).toMatchObject({ roles, teamId, status });
  });

  it('is the same fixed list whatever the seed, and a copy of DEMO_PRINCIPALS', () => {
    expect(data.principals).toHaveLength(10);
    const other = generateDemoData({ seed: 7, customers: 5, feedback: 5 });
    expect(other.principals).toEqual(DEMO_PRINCIPALS);
    other.principals[0]?.roles.push('mutated');
    expect(DEMO_PRINCIPALS[0]?.roles).toEqual(['admin']);
  });
});

describe(Random.name, () => {
  it('repeats its sequence for the same seed and label', () => {
    const a = new Random(42, 'x');
    const b = new Random(42, 'x');
    expect(Array.from({ length: 5 }, () => a.uint32())).toEqual(Array.from({ length: 5 }, () => b.uint32()));
    expect(new Random(42, 'y').uint32()).not.toBe(new Random(42, 'x').uint32());
  });

  it('draws UUID v4-shaped ids', () => {
    const rng = new Random(1);
    for (let i = 0; i < 100; i++) expect(rng.uuid()).toMatch(UUID_V4);
  });

  it.each([
    ['411111111111111', 1],
    ['555555555555444', 4],
    ['7992739871', 3],
  ])('computes the Luhn check digit of %s as %d', (partial, digit) => {
    expect(luhnCheckDigit(partial)).toBe(digit);
  });
});
