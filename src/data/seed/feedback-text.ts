/**
 * Writes one feedback message: a channel's opening, a topic body with its slots filled from the
 * customer's own purchases where possible, sometimes contact data or a card number the customer
 * typed in, and a closing line. About a quarter of all bodies carry contact data.
 */
import { PRODUCTS, STORES, type Product } from './catalog.js';
import type { FeedbackChannel } from './demo-data.types.js';
import { cardSentence, piiSentence, type TypedContact } from './pii.js';
import type { Region } from './places.js';
import type { Random } from './random.js';
import { CLOSERS, OPENERS, type Topic } from './texts.js';
import { DAY, monthDayJst } from './time.js';

export interface Writer {
  readonly region: Region;
  /** Product names this customer bought; empty for anonymous senders. */
  readonly bought: readonly string[];
  readonly contact: TypedContact;
  readonly receivedAt: number;
}

// Channels where people write to be called back carry contact data more often than public posts.
const PII_RATE: Readonly<Record<FeedbackChannel, number>> = {
  EMAIL: 0.35, WEB: 0.35, PHONE: 0.3, SNS: 0.05, STORE: 0.15, SURVEY: 0.15,
};
const SUBJECT_NULL_RATE: Readonly<Record<FeedbackChannel, number>> = {
  EMAIL: 0.02, WEB: 0.05, PHONE: 0.6, SNS: 0.9, STORE: 0.3, SURVEY: 0.1,
};
const SURVEY_SUBJECTS: readonly string[] = ['購入後アンケート', '店舗満足度アンケート', '配送満足度アンケート'];

const PRODUCT_CATEGORY = new Map(PRODUCTS.map((p) => [p.name, p.category]));
// Some complaints only make sense for some goods: nobody washes a rice cooker.
const APPLIANCES = PRODUCTS.filter((p) => p.category === '家電');
const CLOTHING = PRODUCTS.filter((p) => p.category === '衣料');

/** `12345` -> `12,345`; Intl is too slow for 100k messages. */
function yen(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}

const SLOT = /\{(\w+)\}/g;

/**
 * Fills `{slot}`s with one value per slot per message, so {product} and {category} agree and the
 * agent's note names the same store as the body.
 */
export class SlotFiller {
  private readonly chosen = new Map<string, string>();

  constructor(
    private readonly rng: Random,
    private readonly writer: Writer,
  ) {}

  fill(template: string): string {
    return template.includes('{') ? template.replace(SLOT, (m, key: string) => this.value(key) ?? m) : template;
  }

  private value(key: string): string | undefined {
    let v = this.chosen.get(key);
    if (v === undefined) {
      v = this.draw(key);
      if (v !== undefined) this.chosen.set(key, v);
    }
    return v;
  }

  /** Mostly something this customer bought, when they bought anything from `pool`. */
  private product(pool: readonly Product[]): string {
    const { rng, writer } = this;
    const own = pool === PRODUCTS ? writer.bought : writer.bought.filter((name) => pool.some((p) => p.name === name));
    return own.length > 0 && rng.chance(0.6) ? rng.pick(own) : rng.pick(pool).name;
  }

  private draw(key: string): string | undefined {
    const { rng, writer } = this;
    switch (key) {
      case 'product':
        return this.product(PRODUCTS);
      case 'appliance':
        return this.product(APPLIANCES);
      case 'clothing':
        return this.product(CLOTHING);
      case 'category':
        return PRODUCT_CATEGORY.get(this.value('product') ?? '') ?? '日用品';
      case 'store':
        return rng.pick(STORES[writer.region]);
      case 'date':
        return monthDayJst(writer.receivedAt - rng.int(1, 20) * DAY);
      case 'days':
        return String(rng.int(2, 10));
      case 'points':
        return yen(rng.int(1, 50) * 100);
      case 'order':
        return `A${rng.digits(9)}`;
      case 'amount':
        return yen(rng.int(1, 30) * 100);
      default:
        return undefined;
    }
  }
}

function writeSubject(rng: Random, channel: FeedbackChannel, topic: Topic, filler: SlotFiller): string | null {
  if (rng.chance(SUBJECT_NULL_RATE[channel])) return null;
  if (channel === 'SURVEY') return rng.pick(SURVEY_SUBJECTS);
  return filler.fill(rng.pick(topic.subjects));
}

export function writeMessage(
  rng: Random,
  channel: FeedbackChannel,
  topic: Topic,
  writer: Writer,
): { subject: string | null; body: string; filler: SlotFiller } {
  // Returned so the agent's note can reuse the message's store, product and points.
  const filler = new SlotFiller(rng, writer);
  const subject = writeSubject(rng, channel, topic, filler);
  const parts: string[] = [rng.pick(OPENERS[channel] ?? [''])];
  parts.push(filler.fill(rng.pick(channel === 'SNS' ? topic.sns : topic.bodies)));
  const piiRate = topic.tags.includes('会員') ? 0.6 : PII_RATE[channel];
  if (rng.chance(piiRate)) parts.push(piiSentence(rng, writer.contact));
  const cardRate = channel === 'SNS' ? 0 : topic.tags.includes('決済') ? 0.15 : 0.006;
  if (rng.chance(cardRate)) parts.push(cardSentence(rng));
  if (channel === 'SNS') {
    if (rng.chance(0.3)) parts.push(` #${topic.tags[0] ?? 'Koe'}`);
  } else {
    parts.push(rng.pick(CLOSERS[topic.mood]));
  }
  if (channel === 'PHONE' && rng.chance(0.5)) parts.push(`（通話時間${rng.int(2, 25)}分）`);
  return { subject, body: parts.join(''), filler };
}
