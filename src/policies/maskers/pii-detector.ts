/**
 * Finds personal data customers type into free text (mostly Japanese). Returns spans into the
 * original string, sorted and non-overlapping.
 *
 * Caught:
 * - EMAIL: ASCII addresses, also typed in full-width (ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ).
 * - MYNUMBER: 12 digits, plain or 4-4-4, whose last digit is the official check digit.
 * - CARD: 13–19 digits, plain or grouped 4-4-4-4, 4-4-4-4-3, 4-6-5, 4-6-4, passing Luhn.
 * - POSTAL: 123-4567 / 1234567 after 〒 (the 〒 is part of the span) or after 郵便番号(は|:).
 * - PHONE: domestic numbers starting with 0 and 10–11 digits long, split by hyphens, spaces or
 *   parentheses (090-1234-5678, 03(1234)5678, 0120-123-456, 09012345678); +81 forms; other
 *   +country numbers of 8–15 digits.
 * - ADDRESS: a prefecture and whatever municipality/town/block text follows it (a prefecture on
 *   its own counts too), plus a building name with a room number after the block number; and,
 *   without a prefecture, a kanji/katakana municipality (…市/区/町/村/郡) followed by a block
 *   number in 丁目/番/号 or digit-hyphen-digit form.
 * All of these also in full-width digits, with ー－‐−– as hyphens and U+3000 as space.
 *
 * Missed (best effort): kanji-numeral block numbers without a prefecture (新宿区西新宿二丁目),
 * towns written in hiragana (ひばりが丘) and municipalities starting with a particle-like kana
 * (にかほ市) beyond their kanji part, bare postal codes without 〒/郵便番号, domestic phones missing
 * their leading 0, phone numbers spelled in kanji, and e-mail addresses with non-ASCII local parts.
 * A bare 10–11 digit number starting with 0 (some order numbers) is reported as a PHONE.
 */
import { PREFECTURES } from './prefectures.js';

export type PiiKind = 'EMAIL' | 'PHONE' | 'POSTAL' | 'CARD' | 'MYNUMBER' | 'ADDRESS';

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

// A number must not be the tail of a code (A-10023) or of a longer number (2024-05-12).
const START = '(?<![0-9A-Za-z]-?)';
// …and a space-grouped one must not be the second half of a longer space-grouped run.
const START_SPACED = '(?<![0-9A-Za-z]-?|[0-9] )';
const END = '(?![0-9]|-[0-9])';

function grouped(sizes: readonly number[]): string {
  const body = (sep: string): string => sizes.map((n) => `[0-9]{${n}}`).join(sep);
  return `${START}${body('-')}${END}|${START_SPACED}${body(' ')}(?![0-9]|[- ][0-9])`;
}

// Starting only where a run of local-part characters starts keeps a long run before a lone @ linear.
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/gu;

const MY_NUMBER = new RegExp(`${START}[0-9]{12}${END}|${grouped([4, 4, 4])}`, 'gu');

const CARD = new RegExp(
  [`${START}[0-9]{13,19}${END}`, ...[[4, 4, 4, 4], [4, 4, 4, 4, 3], [4, 6, 5], [4, 6, 4]].map(grouped)].join('|'),
  'gu',
);

const POSTAL = new RegExp(`(?:〒 ?|(?<=郵便番号(?:は|:)? ?))[0-9]{3}-?[0-9]{4}${END}`, 'gu');

const PHONE = new RegExp(
  [
    `${START}\\(?0[0-9]{1,4}(?:[- ]|\\) ?|\\()?[0-9]{1,4}(?:[- ]|\\))?[0-9]{3,4}${END}`,
    `(?<![0-9A-Za-z])\\+81[- ]?(?:\\(0\\)[- ]?)?[0-9]{1,4}[- ]?[0-9]{1,4}[- ]?[0-9]{3,4}${END}`,
    `(?<![0-9A-Za-z])\\+(?!81)[1-9][0-9]{0,2}(?:[- ]?[0-9]{1,4}){2,5}${END}`,
  ].join('|'),
  'gu',
);

const JP = '\\p{Script=Han}\\p{Script=Katakana}々〆ヶ';
const SUFFIX = '[市区町村郡]';
// Hiragana municipalities (さいたま市, つくば市): a run reaching 市区町村郡 within three kanji and
// not starting with a particle, so 東京都にある市場 is not read as a city.
const HIRAGANA_CITY = `(?![のにでをはがへやと])\\p{Script=Hiragana}{2,8}(?=\\p{Script=Han}{0,3}${SUFFIX})`;
const UNIT = `(?:[${JP}0-9\\-]|${HIRAGANA_CITY})`;
// A building only counts after a block number and when it looks like one (katakana, ○○, Latin or
// 館荘棟寮 somewhere in it); otherwise `2-8-1 今日3時に` would swallow the time.
const BUILDING_CHAR = `[${JP}・○◯A-Za-z\\-]`;
const BUILDING =
  `(?:(?<=[0-9号地目]) ?(?=${BUILDING_CHAR}{0,30}?[\\p{Script=Katakana}○◯A-Za-z館荘棟寮])` +
  `${BUILDING_CHAR}{1,30} ?[0-9]+(?:号室|号|階|F)?)?`;
// Every repetition is bounded (addresses are short): unbounded ones made `市市市…1` take seconds.
const TAIL = `${UNIT}{0,40}`;
const WITH_PREFECTURE = `(?:${PREFECTURES.join('|')})(?:${TAIL}?(?:${SUFFIX}|[0-9])${TAIL}${BUILDING})?`;
// A city-only address starts where its run of kanji/katakana starts (住所新宿区… keeps 住所 in the
// span); trying every position inside a long run was quadratic.
const CITY_ONLY =
  `(?<![${JP}])[${JP}]{1,16}?${SUFFIX}${TAIL}?(?:[0-9]{1,5}(?:丁目|番地|番|号)|[0-9]{1,5}-[0-9])${TAIL}${BUILDING}`;
const ADDRESS = new RegExp(`${WITH_PREFECTURE}|${CITY_ONLY}`, 'gu');

const HAS_DIGIT = /[0-9]/u;
const HAS_PREFECTURE_SUFFIX = /[都道府県]/u;

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

function isCard(match: string): boolean {
  return passesLuhn(digitsOf(match));
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

interface Detector {
  readonly kind: PiiKind;
  readonly pattern: RegExp;
  readonly applies: (folded: string) => boolean;
  readonly accept?: (match: string) => boolean;
}

const hasDigit = (t: string): boolean => HAS_DIGIT.test(t);

// Priority order: a span found earlier wins. E-mail first so digits in a local part stay e-mail;
// My Number and cards before phones so a 12–16 digit number is not half-eaten as a phone.
const DETECTORS: readonly Detector[] = [
  { kind: 'EMAIL', pattern: EMAIL, applies: (t) => t.includes('@') },
  { kind: 'MYNUMBER', pattern: MY_NUMBER, applies: hasDigit, accept: isMyNumber },
  { kind: 'CARD', pattern: CARD, applies: hasDigit, accept: isCard },
  { kind: 'POSTAL', pattern: POSTAL, applies: hasDigit },
  { kind: 'PHONE', pattern: PHONE, applies: hasDigit, accept: isPhone },
  { kind: 'ADDRESS', pattern: ADDRESS, applies: (t) => hasDigit(t) || HAS_PREFECTURE_SUFFIX.test(t) },
];

/**
 * Adds `span` unless it starts inside one already taken. An address runs on into whatever text
 * follows it, so one that reaches into a later span is cut short there; numbers have hard edges
 * and are dropped instead.
 */
function place(taken: PiiSpan[], span: PiiSpan): void {
  let end = span.end;
  for (const t of taken) {
    if (t.start >= end || t.end <= span.start) continue;
    if (t.start <= span.start || span.kind !== 'ADDRESS') return;
    end = t.start;
  }
  taken.push(end === span.end ? span : { ...span, end });
}

export function detectPii(text: string): PiiSpan[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const folded = text.replace(FOLDABLE, foldChar);
  const taken: PiiSpan[] = [];
  for (const { kind, pattern, applies, accept } of DETECTORS) {
    if (!applies(folded)) continue;
    // Shared global regexes: resetting lastIndex is all the per-call state they need.
    pattern.lastIndex = 0;
    for (let m = pattern.exec(folded); m !== null; m = pattern.exec(folded)) {
      if (accept && !accept(m[0])) continue;
      place(taken, { start: m.index, end: m.index + m[0].length, kind });
    }
  }
  return taken.sort((a, b) => a.start - b.start);
}
