/**
 * The NAME and BIRTH_DATE patterns of `detectPii`, over text already folded to half width.
 *
 * NAME: a kanji or katakana run right before an honorific (山田様, 田中さん, 長谷川氏, 千葉君), or
 * after a field label (氏名は, お名前:, 名義は, 受取人は) or before と申します. The span is the name;
 * the honorific stays visible ([NAME]さん). A run is not a name when it is a role or kin word
 * (店員さん, 配達員さん, 担当者様, 店長さん, 息子さん, ドライバーさん), when お/ご makes it polite
 * speech (お客様, お母さん, ご馳走様), or when 様 belongs to a word (仕様, 同様, 様子, 様々).
 *
 * BIRTH_DATE: a date with month and day (year optional: 1985年4月1日, S60.4.1, 平成元年5月5日,
 * 1990/12/24, 19850401, 4月1日) right after 生年月日/誕生日 or right before 生まれ/生. A year on its
 * own (1985年生まれ) is not reported: it is what a masked birth date shows anyway.
 */
import { JP } from './pii-address.js';

const HAN = '\\p{Script=Han}々';
const KANA = '\\p{Script=Katakana}';
// Katakana's long-vowel mark is folded to '-' with the other dash look-alikes.
// 様 and 殿 end a name even where a field label lets the name run on (宛名が小林様に).
const NAME_KANJI = `(?:(?![様殿])[${HAN}])`;
const KANJI_NAME = `${NAME_KANJI}{1,6}(?:[ ]${NAME_KANJI}{1,4})?`;
const KANA_NAME = `[${KANA}][${KANA}\\-]{1,9}(?:[ ・][${KANA}][${KANA}\\-]{1,9})?`;
const RUN_START = `(?<![${JP}\\-おご御])`;
// 様子/様々/様式…, 氏名, ちゃんと, さんぽ: the honorific's characters starting another word.
const HONORIFIC = '(?:様(?![子々式相変態])|さま|さん(?!ぽ)|氏(?!名)|殿|君|くん|ちゃん(?!と))';
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

// Words before an honorific that name a role, a relative or a crowd rather than a person: a run
// ending in one of these is not a name. Kept to words no common surname ends with (井上 ends in 上,
// 本多 in 多, 花子 in 子: those are stopped only as whole runs, below).
const ROLE_ENDINGS = [
  '員', '者', '師', '客', '屋', '長', '主', '嬢', '姫', '神', '仏', '皆', '殿', '仕', '同', '隣', '官', '士', '係',
  '先生', '学生', '生徒', '主人', '息子', '娘', '旦那', '両親', '家族', '母', '父', '兄', '姉', '弟', '妹', '孫', '嫁', '婿',
  '友達', '友人', '知人', '運転手', '相手', '担当', '先方', '奥方', '職人', '常連', '先輩', '後輩', '同僚', '上司', '部下',
  '女性', '男性', '外国人', '年配', '高齢', '新人', '本人', '大家', '大工', '農家', '一般', '作家', '住人', '素人',
  'スタッフ', 'ドライバー', 'パート', 'バイト', 'オペレーター', 'オペレータ', 'クルー', 'キャスト', 'ママ', 'パパ',
  'ガイド', 'コンシェルジュ', 'サポート', 'メーカー', 'ショップ', 'ユーザー', 'ゲスト', 'メンバー', 'マネージャー',
  'トレーナー', 'セラピスト', 'ペット', 'サンタ', 'ファン', 'プロ', 'ヘルパー', 'デザイナー', 'カメラマン', 'チーム',
];
const WHOLE_WORDS = new Set([
  '上', '多', '異', '模', '各', '貴', '一', '今', '奥', '子', '王', '今日', '皆々', '諸', '不明', '未定', '非公開', '匿名',
  '無記名', '未記入', '空欄', '本名', '仮名', '別', '同じ', '漢字', '変更',
]);
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
