/**
 * The ADDRESS and POSTAL patterns of `detectPii`, over text already folded to half width.
 *
 * A prefecture is an address only where an address goes on from it: every Japanese address names
 * a municipality (…市/区/町/村/郡) right after the prefecture, so `東京都渋谷区…` is one and
 * `北海道産じゃがいも`, `東京都限定`, `千葉県民の日`, `沖縄県産もずく` are not. A prefecture or a
 * municipality alone counts only where the text says someone lives or receives mail there
 * (`大阪府在住`, `横浜市に住んでいます`, `住所は東京都`). Without a prefecture, a municipality needs
 * a block number after it (`新宿区西新宿2-8-1`, `…二丁目`).
 */
import { PREFECTURES } from '../maskers/prefectures.js';

export const JP = '\\p{Script=Han}\\p{Script=Katakana}々〆ヶ';
const SUFFIX = '[市区町村郡]';
// Hiragana municipalities (さいたま市, つくば市): a run reaching 市区町村郡 within three kanji and
// not starting with a particle, so 東京都にある市場 is not read as a city.
const HIRAGANA_CITY = `(?![のにでをはがへやと])\\p{Script=Hiragana}{2,8}(?=\\p{Script=Han}{0,3}${SUFFIX})`;
// A town in hiragana (おもろまち1-2-3, ひばりが丘1丁目) after the municipality, when a block number
// follows it and it is not a particle (から2-3日).
const HIRAGANA_TOWN =
  '(?!から|まで|より|には|では|など|ので|[のにでをはがへやとも])\\p{Script=Hiragana}{2,8}(?=[0-9]{1,5}(?:-[0-9]|丁目|番))';
// 宛 and 在住 end an address: …1-2-3宛, …2番3号在住.
const UNIT = `(?:(?!宛|在住)[${JP}0-9\\-]|${HIRAGANA_CITY}|${HIRAGANA_TOWN})`;
// A building only counts after a block number and when it looks like one (katakana, ○○, Latin or
// 館荘棟寮 somewhere in it); otherwise `2-8-1 今日3時に` would swallow the time.
const BUILDING_CHAR = `[${JP}・○◯A-Za-z\\-]`;
const BUILDING =
  `(?:(?<=[0-9号地目]) ?(?=${BUILDING_CHAR}{0,30}?[\\p{Script=Katakana}○◯A-Za-z館荘棟寮])` +
  `${BUILDING_CHAR}{1,30} ?[0-9]+(?:号室|号|階|F)?)?`;
// Every repetition is bounded (addresses are short): unbounded ones made `市市市…1` take seconds.
const TAIL = `${UNIT}{0,40}`;
const PREFECTURE = `(?:${PREFECTURES.join('|')})`;
// Words that make a prefecture a product's origin, an institution or a region, never a place to live.
const NOT_A_PLACE_AFTER = '(?!産|風|限定|民|警|知事|庁|議会|内|外|全|立|版|発|名物|代表)';
const MUNICIPALITY = `(?:[${JP}]|${HIRAGANA_CITY}){1,10}?${SUFFIX}`;
const BLOCK = '(?:[0-9]{1,5}(?:丁目|番地|番|号)|[0-9]{1,5}-[0-9]|[〇一二三四五六七八九十]{1,3}丁目)';
const LIVES_THERE = '(?=在住|に住|に在住|に引っ越|へ引っ越|に転居|へ転居)';
// Checked behind the place once it matched (a lookbehind in front would run at every position).
const MAIL_GOES_THERE = `(?<=(?:住所|届け先|送り先|送付先|配送先|自宅|実家)(?:は|が|も|:)? ?[${JP}]{2,9})(?![${JP}])`;
const NAMED_HOME = `(?:${LIVES_THERE}|${MAIL_GOES_THERE})`;
// After a prefecture: the municipality and the rest of the address, or nothing where it is home.
const WITH_PREFECTURE = `${PREFECTURE}(?:${NOT_A_PLACE_AFTER}${MUNICIPALITY}${TAIL}${BUILDING}|${NAMED_HOME})`;
// Without one, an address starts where its run of kanji/katakana starts (住所新宿区… keeps 住所 in
// the span; trying every position inside a long run was quadratic) and needs a block number, or
// is a municipality named as home: two characters before the suffix, or a one-character ward or
// city (港区, 津市), so 下町 or 地区 are not taken for one.
const CITY_ONLY = `[${JP}]{1,16}?${SUFFIX}${TAIL}?${BLOCK}${TAIL}${BUILDING}`;
const LONE_MUNICIPALITY = `(?:[${JP}]{2,8}?${SUFFIX}|[${JP}][市区])${NAMED_HOME}`;

export const ADDRESS = new RegExp(`${WITH_PREFECTURE}|(?<![${JP}])(?:${CITY_ONLY}|${LONE_MUNICIPALITY})`, 'gu');

// A postal code needs a sign that it is one: 〒, 郵便番号, or the address written right after it.
export const POSTAL = new RegExp(
  `(?:〒 ?|(?<=郵便番号(?:は|:)? ?))[0-9]{3}-?[0-9]{4}(?![0-9]|-[0-9])` +
    `|(?<![0-9A-Za-z]-?)[0-9]{3}-[0-9]{4}(?= ?(?:${PREFECTURE}|[${JP}]{1,8}?${SUFFIX}))`,
  'gu',
);

const MAY_HOLD_ADDRESS = /[0-9都道府県市区町村郡]/u;

/** Cheap test before the address pattern runs. */
export function mayHoldAddress(folded: string): boolean {
  return MAY_HOLD_ADDRESS.test(folded);
}
