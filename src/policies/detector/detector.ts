/**
 * Finds personal data customers type into free text (mostly Japanese). Returns spans into the
 * original string, sorted and non-overlapping.
 *
 * Caught:
 * - EMAIL: ASCII addresses, also typed in full-width (ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ) or with the @
 *   spelled (at) / [at].
 * - MYNUMBER: 12 digits, plain or 4-4-4, whose last digit is the official check digit.
 * - CARD: 13–19 digits, plain or grouped 4-4-4-4, 4-6-5, 4-6-4, passing Luhn; a 13-digit number
 *   that is a valid JAN/EAN-13 is a product code (13-digit cards are no longer issued).
 * - POSTAL: 123-4567 / 1234567 after 〒 (the 〒 is part of the span) or after 郵便番号(は|:);
 *   123-4567 right before an address.
 * - PHONE: domestic numbers starting with 0 and 10–11 digits long, split by hyphens, dots, spaces
 *   or parentheses (090-1234-5678, 090.1234.5678, 03(1234)5678, 0120-123-456, 09012345678); +81
 *   forms; other +country numbers of 8–15 digits.
 * - ADDRESS, POSTAL: see pii-address.ts. NAME, BIRTH_DATE: see pii-person.ts.
 * All of these also in full-width digits, with ー－‐−– as hyphens and U+3000 as space.
 *
 * Not personal data, whatever they look like: a number labelled as an order, parcel, receipt or
 * product number (注文番号, 伝票番号, 追跡番号, 品番, JANコード…), and numbers inside a URL.
 *
 * Missed (best effort): towns written in hiragana (ひばりが丘) and municipalities starting with a
 * particle-like kana (にかほ市) beyond their kanji part, bare postal codes without 〒/郵便番号 or an
 * address after them, domestic phones missing their leading 0, phone numbers spelled in kanji,
 * e-mail addresses with non-ASCII local parts, names in hiragana or written with no honorific or
 * label (山田です), surnames ending in a role word (土屋さん reads as a shop like 本屋さん), and
 * birth dates given as an age or a year only.
 */
import { ADDRESS, mayHoldAddress, POSTAL } from './address.js';
import { BIRTH_DATE, isPersonName, mayHoldBirthDate, mayHoldName, NAME } from './person.js';

export type PiiKind = 'EMAIL' | 'PHONE' | 'POSTAL' | 'CARD' | 'MYNUMBER' | 'ADDRESS' | 'NAME' | 'BIRTH_DATE';

export interface PiiSpan {
  readonly start: number;
  readonly end: number;
  readonly kind: PiiKind;
}

// Full-width ASCII, ideographic space and the dash look-alikes IMEs produce. Each maps one UTF-16
// unit to one, so an index found in the folded text is an index into the original.
const FOLDABLE = /[\u00a0\u2010-\u2015\u2212\u3000\u30fc\uff01-\uff5e\uff70]/gu;

function foldChar(c: string): string {
  const code = c.charCodeAt(0);
  if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - 0xfee0);
  return code === 0x3000 || code === 0xa0 ? ' ' : '-';
}

// A number must not be the tail of a code (A-10023) or of a longer number (2024-05-12, 1.2.3).
const START = '(?<![0-9A-Za-z][-.]?)';
// …and a space-grouped one must not be the second half of a longer space-grouped run.
const START_SPACED = '(?<![0-9A-Za-z][-.]?|[0-9] )';
const END = '(?![0-9]|[-.][0-9])';

function grouped(sizes: readonly number[]): string {
  const body = (sep: string): string => sizes.map((n) => `[0-9]{${n}}`).join(sep);
  return `${START}${body('-')}${END}|${START_SPACED}${body(' ')}(?![0-9]|[- ][0-9])`;
}

// Starting only where a run of local-part characters starts keeps a long run before a lone @ linear.
// People hiding their address from spam bots write the @ as (at) or [at].
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}(?:@| ?[([][aA][tT][)\]] ?)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/gu;
const SPELLED_AT = /[([][aA][tT][)\]]/u;

const MY_NUMBER = new RegExp(`${START}[0-9]{12}${END}|${grouped([4, 4, 4])}`, 'gu');

const CARD = new RegExp(
  [`${START}[0-9]{13,19}${END}`, ...[[4, 4, 4, 4], [4, 4, 4, 4, 3], [4, 6, 5], [4, 6, 4]].map(grouped)].join('|'),
  'gu',
);

// Hyphens and dots, with or without spaces around them (090 - 1234 - 5678), or a space alone.
const SEP = '(?: ?[-.] ?| )';
const PHONE = new RegExp(
  [
    `${START}(?:\\(0[0-9]{1,4}\\) ?|0[0-9]{1,4}(?:${SEP}|\\()?)[0-9]{1,4}(?:${SEP}|\\))?[0-9]{3,4}${END}`,
    `(?<![0-9A-Za-z])\\+81[- ]?(?:\\(0\\)[- ]?)?[0-9]{1,4}[- ]?[0-9]{1,4}[- ]?[0-9]{3,4}${END}`,
    `(?<![0-9A-Za-z])\\+(?!81)[1-9][0-9]{0,2}(?:[- ]?[0-9]{1,4}){2,5}${END}`,
  ].join('|'),
  'gu',
);

const HAS_DIGIT = /[0-9]/u;

function digitsOf(s: string): string {
  let out = '';
  for (const c of s) if (c >= '0' && c <= '9') out += c;
  return out;
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** The check digit of the Individual Number (マイナンバー), per the official ordinance. */
export function myNumberCheckDigit(first11: string): number {
  let sum = 0;
  for (let n = 1; n <= 11; n++) {
    const p = first11.charCodeAt(11 - n) - 48;
    sum += p * (n <= 6 ? n + 1 : n - 5);
  }
  const remainder = sum % 11;
  return remainder <= 1 ? 0 : 11 - remainder;
}

function isMyNumber(match: string): boolean {
  const d = digitsOf(match);
  return d.length === 12 && myNumberCheckDigit(d) === d.charCodeAt(11) - 48;
}

/** A JAN/EAN-13 product code: weights 1 and 3 from the left, check digit last. */
function isEan13(digits: string): boolean {
  if (digits.length !== 13) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (digits.charCodeAt(i) - 48) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10 === digits.charCodeAt(12) - 48;
}

function isCard(match: string): boolean {
  const digits = digitsOf(match);
  return passesLuhn(digits) && !isEan13(digits);
}

function isPhone(match: string): boolean {
  const count = digitsOf(match).length;
  if (match.startsWith('+81')) {
    const national = count - 2 - (match.includes('(0)') ? 1 : 0);
    return national >= 9 && national <= 10;
  }
  if (match.startsWith('+')) return count >= 8 && count <= 15;
  return count >= 10 && count <= 11;
}

// A number right after one of these labels is the shop's or the carrier's, not the customer's:
// 伝票番号 (a 12-digit parcel number) can pass the My Number check, 注文番号 0312345678 looks like a
// phone. 電話番号, 個人番号 and カード番号 are not among them.
const NOT_PERSONAL_NUMBER = new RegExp(
  '(?:(?:注文|伝票|追跡|問い?合わ?せ|受付|予約|会員|管理|製造|レシート|整理|商品|製品|部品|お客様|請求書?|領収書)番号' +
    '|品番|型番|(?:商品|JAN|バー)コード|JAN|SKU|シリアル(?:番号)?)(?: ?[#:] ?| ?(?:は|が) ?| )?$',
  'u',
);
const LABEL_WINDOW = 16;

function isLabelledNotPersonal(folded: string, at: number): boolean {
  return NOT_PERSONAL_NUMBER.test(folded.slice(Math.max(0, at - LABEL_WINDOW), at));
}

// Ids in a link (…/items/4901234567894, ?ref=0312345678) are the site's; an e-mail in one still counts.
const URL = /(?:https?:\/\/|www\.)[!#-;=?-~]+/gu;

function urlRanges(folded: string): Array<{ start: number; end: number }> {
  if (!folded.includes('://') && !folded.includes('www.')) return [];
  return [...folded.matchAll(URL)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

interface Detector {
  readonly kind: PiiKind;
  readonly pattern: RegExp;
  readonly applies: (folded: string) => boolean;
  /** `match` is in the folded text, `original` the same stretch of the text as typed. */
  readonly accept?: (match: string, at: number, folded: string, original: string) => boolean;
  /** Numbers: dropped inside a URL or after a label that makes them an order or product number. */
  readonly numeric?: true;
}

const hasDigit = (t: string): boolean => HAS_DIGIT.test(t);

// Priority order: a span found earlier wins. E-mail first so digits in a local part stay e-mail;
// birth dates before numbers so 19850401 is a date; My Number and cards before phones so a 12–16
// digit number is not half-eaten as a phone; names last, as the loosest pattern.
const DETECTORS: readonly Detector[] = [
  { kind: 'EMAIL', pattern: EMAIL, applies: (t) => t.includes('@') || SPELLED_AT.test(t) },
  { kind: 'BIRTH_DATE', pattern: BIRTH_DATE, applies: (t) => hasDigit(t) && mayHoldBirthDate(t) },
  { kind: 'MYNUMBER', pattern: MY_NUMBER, applies: hasDigit, accept: isMyNumber, numeric: true },
  { kind: 'CARD', pattern: CARD, applies: hasDigit, accept: isCard, numeric: true },
  { kind: 'POSTAL', pattern: POSTAL, applies: hasDigit, numeric: true },
  { kind: 'PHONE', pattern: PHONE, applies: hasDigit, accept: isPhone, numeric: true },
  { kind: 'ADDRESS', pattern: ADDRESS, applies: mayHoldAddress },
  { kind: 'NAME', pattern: NAME, applies: mayHoldName, accept: (_m, _at, _f, original) => isPersonName(original) },
];

/**
 * Adds `span` unless it starts inside one already taken. An address runs on into whatever text
 * follows it, so one that reaches into a later span is cut short there; numbers have hard edges
 * and are dropped instead. `taken` stays sorted and non-overlapping, so only the neighbours on
 * either side of `span` need a look (a text with thousands of spans stays linear).
 */
function place(taken: PiiSpan[], span: PiiSpan): void {
  let lo = 0;
  let hi = taken.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (taken[mid]!.start <= span.start) lo = mid + 1;
    else hi = mid;
  }
  const before = taken[lo - 1];
  if (before !== undefined && before.end > span.start) return;
  const after = taken[lo];
  let end = span.end;
  if (after !== undefined && after.start < end) {
    if (span.kind !== 'ADDRESS') return;
    end = after.start;
  }
  taken.splice(lo, 0, end === span.end ? span : { ...span, end });
}

export function detectPii(text: string): PiiSpan[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const folded = text.replace(FOLDABLE, foldChar);
  const urls = urlRanges(folded);
  const taken: PiiSpan[] = [];
  for (const { kind, pattern, applies, accept, numeric } of DETECTORS) {
    if (!applies(folded)) continue;
    // Shared global regexes: resetting lastIndex is all the per-call state they need.
    pattern.lastIndex = 0;
    for (let m = pattern.exec(folded); m !== null; m = pattern.exec(folded)) {
      const start = m.index;
      const end = start + m[0].length;
      if (accept && !accept(m[0], start, folded, text.slice(start, end))) continue;
      if (numeric && (isLabelledNotPersonal(folded, start) || urls.some((u) => u.start < end && start < u.end))) continue;
      place(taken, { start, end, kind });
    }
  }
  return taken;
}
