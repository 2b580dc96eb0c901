/**
 * Customers: the first 47 live one in each prefecture (JIS order), so every prefecture appears
 * whatever the seed; the rest follow population. About one in ten has been inactive for over two
 * years, so retention rules have something to act on.
 */
import { makeAddress, makeEmail, makePhone } from './contact.js';
import type { DemoCustomer, TeamId } from './demo-data.types.js';
import { FAMILY_NAMES, givenNamesFor, type GivenName } from './names.js';
import { PREFECTURES, type Prefecture } from './places.js';
import { WeightedTable, type Random, type UniqueIds } from './random.js';
import { DAY, instantBetween, isoDate } from './time.js';

/** A customer plus what later generators need and the record does not carry. */
export interface CustomerDraft {
  readonly customer: DemoCustomer;
  readonly home: Prefecture;
}

const PREFECTURE_TABLE = new WeightedTable(PREFECTURES.map((p) => [p, p.weight] as const));
const SEGMENTS = new WeightedTable<DemoCustomer['segment']>([['individual', 70], ['premium', 18], ['business', 12]]);
const HISTORY_DAYS = 3 * 365;
const INACTIVE_DAYS = 2 * 365;
const RECENT_DAYS = 183;

// Name pools per (birth year, gender) are small; caching keeps 10k customers from refiltering.
const givenCache = new Map<string, GivenName[]>();
function givenPool(year: number, gender: GivenName['gender']): GivenName[] {
  const key = `${year}:${gender}`;
  let pool = givenCache.get(key);
  if (!pool) {
    pool = givenNamesFor(year).filter((g) => g.gender === gender);
    givenCache.set(key, pool);
  }
  return pool;
}

function teamFor(rng: Random, home: Prefecture): TeamId {
  if (rng.chance(0.25)) return 'team-online';
  return home.region === 'east' ? 'team-east' : 'team-west';
}

/** Within 60 days, denser towards now: many active customers were here this week. */
function recentInstant(rng: Random, now: number): number {
  const u = rng.next();
  return now - Math.floor((60 * DAY * u * u) / 1000) * 1000;
}

/** createdAt over three years; lastActivityAt mostly recent, never more than two years back unless inactive. */
function lifetime(rng: Random, now: number, inactive: boolean): { createdAt: number; lastActivityAt: number } {
  if (inactive) {
    const createdAt = instantBetween(rng, now - HISTORY_DAYS * DAY, now - (INACTIVE_DAYS + 30) * DAY);
    return { createdAt, lastActivityAt: instantBetween(rng, createdAt, now - (INACTIVE_DAYS + 1) * DAY) };
  }
  const createdAt = instantBetween(rng, now - HISTORY_DAYS * DAY, now);
  if (createdAt > now - RECENT_DAYS * DAY) return { createdAt, lastActivityAt: instantBetween(rng, createdAt, now) };
  const r = rng.next();
  const lastActivityAt =
    r < 0.65
      ? recentInstant(rng, now)
      : r < 0.85
        ? instantBetween(rng, now - RECENT_DAYS * DAY, now - 60 * DAY)
        : instantBetween(rng, Math.max(createdAt, now - (INACTIVE_DAYS - 30) * DAY), now - RECENT_DAYS * DAY);
  return { createdAt, lastActivityAt };
}

export function generateCustomers(rng: Random, ids: UniqueIds, count: number, now: number): CustomerDraft[] {
  const emails = new Set<string>();
  const drafts: CustomerDraft[] = [];
  for (let i = 0; i < count; i++) {
    const home = i < PREFECTURES.length ? (PREFECTURES[i] as Prefecture) : PREFECTURE_TABLE.draw(rng);
    const birthYear = rng.int(1945, 2006);
    const birthDay = Date.UTC(birthYear, 0, 1) + rng.int(0, 364) * DAY;
    const family = rng.pick(FAMILY_NAMES);
    const given = rng.pick(givenPool(birthYear, rng.chance(0.5) ? 'female' : 'male'));
    const address = makeAddress(rng, home);
    const inactive = rng.chance(0.1);
    const { createdAt, lastActivityAt } = lifetime(rng, now, inactive);
    const customer: DemoCustomer = {
      id: ids.next(rng),
      name: `${family.kanji} ${given.kanji}`,
      nameKana: `${family.kana} ${given.kana}`,
      email: makeEmail(rng, family, given, birthYear, emails),
      phone: makePhone(rng, home),
      address: address.full,
      prefecture: home.name,
      birthDate: isoDate(birthDay),
      teamId: teamFor(rng, home),
      segment: now - createdAt < 90 * DAY ? 'new' : SEGMENTS.draw(rng),
      createdAt: new Date(createdAt),
      lastActivityAt: new Date(lastActivityAt),
    };
    drafts.push({ customer, home });
  }
  return drafts;
}
