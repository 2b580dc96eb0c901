/**
 * The NAME and BIRTH_DATE patterns of `detectPii`, over text already folded to half width.
 *
 * NAME: a kanji or katakana run right before an honorific (山田様, 田中さん, 長谷川氏, 千葉君), or
 * after a field label (氏名は, お名前:, 名義は, 受取人は) or before と申します. The span is the name;
 * the honorific stays visible ([NAME]さん). A run is not a name when it is a role or kin word
 * (店員さん, 配達員さん, 担当者様, 店長さん, 息子さん, ドライバーさん), a company, an office, a
 * child or a pet (郵便局さん, ヤマトさん, 子供さん, 猫ちゃん: pii-name-words.ts), when お/ご makes it polite
 * speech (お客様, お母さん, ご馳走様), or when 様 belongs to a word (仕様, 同様, 様子, 様々).
 *
 * BIRTH_DATE: a date with month and day (year optional: 1985年4月1日, S60.4.1, 平成元年5月5日,
 * 1990/12/24, 19850401, 4月1日) right after 生年月日/誕生日 or right before 生まれ/生. A year on its
 * own (1985年生まれ) is not reported: it is what a masked birth date shows anyway.
 */
import { JP } from './address.js';
import { ROLE_ENDINGS, WHOLE_WORDS } from './name-words.js';

const HAN = '\\p{Script=Han}々';
const KANA = '\\p{Script=Katakana}';
// Katakana's long-vowel mark is folded to '-' with the other dash look-alikes.
// 様 and 殿 end a name even where a field label lets the name run on (宛名が小林様に).
const NAME_KANJI = `(?:(?![様殿])[${HAN}])`;
const KANJI_NAME = `${NAME_KANJI}{1,6}(?:[ ]${NAME_KANJI}{1,4})?`;
const KANA_NAME = `[${KANA}][${KANA}\\-]{1,9}(?:[ ・][${KANA}][${KANA}\\-]{1,9})?`;
const RUN_START = `(?<![${JP}\\-おご御])`;
// 様子/様々/様式…, 氏名, ちゃんと, さんぽ: the honorific's characters starting another word.
const HONORIFIC = '(?:様(?![子々式相変態])|さま|さん(?!ぽ)|氏(?!名)|殿(?!場)|君|くん|ちゃん(?!と))';
const NAMEISH = `(?:${KANJI_NAME}|${KANA_NAME})`;
// The field label is checked behind the name once it matched: a lookbehind in front of the pattern
// would run at every position of every text.
const AFTER_LABEL = `(?<=(?:氏名|名前|名義|宛名|受取人|契約者|フリガナ|ふりがな)(?:は|が|:) ?${NAMEISH})`;
const LABELLED_END = `(?=$|[、。,.!?()「」 ]|です|でした|に|と|の|様|さん|氏)`;

export const NAME = new RegExp(
  `${RUN_START}${NAMEISH}(?:(?=${HONORIFIC}|と申|といいます|と言います)|${AFTER_LABEL}${LABELLED_END})`,
  'gu',
);

const MAY_HOLD_NAME = /様|さま|さん|氏|殿|君|くん|ちゃん|と申|といいます|と言います|名前|名義|宛名|受取人|契約者|フリガナ|ふりがな/u;

/** Cheap test before the name pattern runs: no honorific, label or 申します, no name. */
export function mayHoldName(folded: string): boolean {
  return MAY_HOLD_NAME.test(folded);
}

const ROLE_SET = new Set(ROLE_ENDINGS);
const LONGEST_ROLE = Math.max(...ROLE_ENDINGS.map((w) => w.length));

function endsInRole(word: string): boolean {
  for (let n = 1; n <= Math.min(LONGEST_ROLE, word.length); n++) if (ROLE_SET.has(word.slice(-n))) return true;
  return false;
}

/** `run` is a stretch of the original text (not folded, so katakana keeps its ー). */
export function isPersonName(run: string): boolean {
  const family = run.split(/[ \u3000・]/u)[0] ?? run;
  return !WHOLE_WORDS.has(family) && !WHOLE_WORDS.has(run) && !endsInRole(family) && !endsInRole(run);
}

const YEAR = '(?:(?:19|20)[0-9]{2}|(?:[SHRT]|昭和|平成|令和|大正) ?(?:[0-9]{1,2}|元))';
const FULL_DATE = `${YEAR}(?:年|[/.\\-])[0-9]{1,2}(?:月|[/.\\-])[0-9]{1,2}日?`;
const DATE = `(?:${FULL_DATE}|(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])|[0-9]{1,2}月[0-9]{1,2}日)`;
const BIRTH_LABEL = '(?<=(?:生年月日|誕生日|birthday|DOB)(?:は|が|を|も|:)? ?\\(?)';
// 生 after a date is birth unless it starts another word (生産, 生活, 生鮮…).
const BORN = '(?=生まれ|に生まれ|生(?![産活鮮地命徒協]))';

export const BIRTH_DATE = new RegExp(`${BIRTH_LABEL}${DATE}|(?<![0-9])${DATE}${BORN}`, 'giu');

const MAY_HOLD_BIRTH_DATE = /生|誕|birthday|DOB/iu;

export function mayHoldBirthDate(folded: string): boolean {
  return MAY_HOLD_BIRTH_DATE.test(folded);
}
