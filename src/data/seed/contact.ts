/**
 * Phone numbers, postal addresses and e-mail addresses in the shapes Japanese customers write them.
 * Used for customer records and again inside feedback bodies, where customers type their own.
 */
import { EMAIL_DOMAINS, HANDLE_WORDS, type NameReading } from './names.js';
import { BUILDINGS, TOWNS, type Prefecture } from './places.js';
import { WeightedTable, type Random } from './random.js';

export interface PostalAddress {
  /** `160-0023` */
  readonly postal: string;
  /** `東京都新宿区本町2-8-1`, what people type when they leave out the postal code. */
  readonly street: string;
  /** `〒160-0023 東京都新宿区本町2-8-1` */
  readonly full: string;
}

const MOBILE_PREFIX = new WeightedTable<string>([['090', 45], ['080', 35], ['070', 20]]);
const DOMAINS = new WeightedTable(EMAIL_DOMAINS);

/** Mostly mobile numbers; a landline uses the prefecture's area code so 03 means Tokyo. */
export function makePhone(rng: Random, pref: Prefecture): string {
  if (rng.chance(0.85)) return `${MOBILE_PREFIX.draw(rng)}-${rng.digits(4)}-${rng.digits(4)}`;
  // Japanese landlines have ten digits: area code + exchange + four-digit subscriber number.
  const exchangeLength = 10 - pref.areaCode.length - 4;
  return `${pref.areaCode}-${rng.int(2, 9)}${rng.digits(exchangeLength - 1)}-${rng.digits(4)}`;
}

export function makeAddress(rng: Random, pref: Prefecture): PostalAddress {
  const postal = `${String(rng.int(pref.postal[0], pref.postal[1])).padStart(3, '0')}-${rng.digits(4)}`;
  const block = `${rng.int(1, 5)}-${rng.int(1, 30)}-${rng.int(1, 20)}`;
  const building = rng.chance(0.3) ? ` ${rng.pick(BUILDINGS)}${rng.int(1, 8)}0${rng.int(1, 9)}` : '';
  const street = `${pref.name}${rng.pick(pref.cities)}${rng.pick(TOWNS)}${block}${building}`;
  return { postal, street, full: `〒${postal} ${street}` };
}

/** Romanised names or made-up handles; `taken` keeps every address unique within one data set. */
export function makeEmail(
  rng: Random,
  family: NameReading,
  given: NameReading,
  birthYear: number,
  taken: Set<string>,
): string {
  const f = family.romaji;
  const g = given.romaji;
  const yy = String(birthYear % 100).padStart(2, '0');
  const local = rng.weighted<() => string>([
    [() => `${g}.${f}`, 20],
    [() => `${f}.${g}`, 12],
    [() => `${g.charAt(0)}${f}`, 10],
    [() => `${f}${yy}`, 8],
    [() => `${g}_${f}${rng.digits(2)}`, 8],
    [() => `${g}${yy}${rng.digits(2)}`, 6],
    [() => `${rng.pick(HANDLE_WORDS)}${rng.digits(rng.int(2, 4))}`, 14],
    [() => `${rng.pick(HANDLE_WORDS)}.${rng.pick(HANDLE_WORDS)}`, 6],
  ])();
  const domain = DOMAINS.draw(rng);
  let email = `${local}@${domain}`;
  while (taken.has(email)) email = `${local}${rng.digits(3)}@${domain}`;
  taken.add(email);
  return email;
}

const FULL_WIDTH_OFFSET = 0xff10 - 0x30;

/** `090-1234-5678` -> `０９０－１２３４－５６７８`, as typed with an IME left in full-width mode. */
export function toFullWidth(text: string): string {
  return text.replace(/[0-9-]/g, (c) => (c === '-' ? '－' : String.fromCharCode(c.charCodeAt(0) + FULL_WIDTH_OFFSET)));
}

/** A 16-digit card number that passes the Luhn check, so a detector has to treat it as real. */
export function makeCardNumber(rng: Random): string {
  const prefix = rng.chance(0.6) ? '4' : `5${rng.int(1, 5)}`;
  const body = prefix + rng.digits(15 - prefix.length);
  const digits = body + String(luhnCheckDigit(body));
  const groups = digits.match(/\d{4}/g) ?? [digits];
  const style = rng.next();
  return style < 0.6 ? groups.join(' ') : style < 0.8 ? groups.join('-') : digits;
}

/** The digit that makes `partial + digit` pass the Luhn check. */
export function luhnCheckDigit(partial: string): number {
  let sum = 0;
  for (let i = 0; i < partial.length; i++) {
    // Counting from the right of the final number, the rightmost digit of `partial` gets doubled.
    let d = Number(partial.charAt(partial.length - 1 - i));
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}
