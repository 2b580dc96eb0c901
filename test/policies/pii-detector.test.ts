import { describe, expect, it } from 'vitest';
import { maskFreeText } from '../../src/policies/maskers/freeText.masker.js';
import { detectPii, myNumberCheckDigit, type PiiKind } from '../../src/policies/detector/detector.js';

/** Each row: the kind, a sentence, and the exact part of it that must be found. */
const FOUND: ReadonlyArray<readonly [PiiKind, string, string]> = [
  ['EMAIL', 'メールはtaro.yamada@example.co.jpまで', 'taro.yamada@example.co.jp'],
  ['EMAIL', '（登録メール：hanako_88+koe@docomo.ne.jp）', 'hanako_88+koe@docomo.ne.jp'],
  ['EMAIL', 'ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏ．ｊｐに連絡ください。', 'ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏ．ｊｐ'],
  ['EMAIL', '返信はtaro@example.com.', 'taro@example.com'],
  ['PHONE', '連絡先は090-1234-5678です。', '090-1234-5678'],
  ['PHONE', '固定は03-1234-5678です', '03-1234-5678'],
  ['PHONE', '0776-23-4567まで', '0776-23-4567'],
  ['PHONE', 'フリーダイヤル0120-123-456', '0120-123-456'],
  ['PHONE', '携帯：09012345678', '09012345678'],
  ['PHONE', '日中は090 1234 5678に電話ください。', '090 1234 5678'],
  ['PHONE', '海外から+81 90 1234 5678へ', '+81 90 1234 5678'],
  ['PHONE', '代表+81-3-1234-5678です', '+81-3-1234-5678'],
  ['PHONE', '+81 (0)90-1234-5678', '+81 (0)90-1234-5678'],
  ['PHONE', '+819012345678', '+819012345678'],
  ['PHONE', 'US: +1 415 555 1234', '+1 415 555 1234'],
  ['PHONE', '電話03(1234)5678へ', '03(1234)5678'],
  ['PHONE', '電話(03)1234-5678へ', '(03)1234-5678'],
  ['PHONE', '電話番号は０９０－１２３４－５６７８です。', '０９０－１２３４－５６７８'],
  ['PHONE', '０９０ー１２３４ー５６７８まで', '０９０ー１２３４ー５６７８'],
  ['PHONE', '090‐1234‐5678（U+2010）', '090‐1234‐5678'],
  ['PHONE', '03−1234−5678（U+2212）', '03−1234−5678'],
  ['PHONE', '０３（１２３４）５６７８', '０３（１２３４）５６７８'],
  ['PHONE', 'TEL:03-1234-5678', '03-1234-5678'],
  ['POSTAL', '郵便番号は〒160-0023です。', '〒160-0023'],
  ['POSTAL', '〒 1600023の地域', '〒 1600023'],
  ['POSTAL', '郵便番号160-0023で登録しています。', '160-0023'],
  ['POSTAL', '郵便番号：160-0023', '160-0023'],
  ['POSTAL', '〒１６０－００２３', '〒１６０－００２３'],
  ['CARD', 'カード番号4111 1111 1111 1111で支払いました。', '4111 1111 1111 1111'],
  ['CARD', '4111-1111-1111-1111のカード', '4111-1111-1111-1111'],
  ['CARD', '念のため5500000000000004です', '5500000000000004'],
  ['CARD', 'アメックス3782 822463 10005', '3782 822463 10005'],
  ['CARD', '４１１１　１１１１　１１１１　１１１１', '４１１１　１１１１　１１１１　１１１１'],
  ['MYNUMBER', 'マイナンバーは123456789018です', '123456789018'],
  ['MYNUMBER', '個人番号1234-5678-9018', '1234-5678-9018'],
  ['MYNUMBER', '個人番号 1234 5678 9018', '1234 5678 9018'],
  ['MYNUMBER', '１２３４５６７８９０１８', '１２３４５６７８９０１８'],
  ['ADDRESS', '住所は東京都新宿区西新宿2-8-1です。', '東京都新宿区西新宿2-8-1'],
  ['ADDRESS', '大阪府大阪市北区梅田1丁目2番3号に', '大阪府大阪市北区梅田1丁目2番3号'],
  ['ADDRESS', '神奈川県横浜市中区山下町1-2-3 ○○マンション101号に住んでいます', '神奈川県横浜市中区山下町1-2-3 ○○マンション101号'],
  ['ADDRESS', '届け先は東京都新宿区本町2-8-1 コーポ桜301です。', '東京都新宿区本町2-8-1 コーポ桜301'],
  ['ADDRESS', '埼玉県さいたま市浦和区本町2-8-1', '埼玉県さいたま市浦和区本町2-8-1'],
  ['ADDRESS', '北海道札幌市中央区北1条西2丁目です', '北海道札幌市中央区北1条西2丁目'],
  ['ADDRESS', '東京都府中市宮町１－１', '東京都府中市宮町１－１'],
  ['ADDRESS', '東京都に住んでいます', '東京都'],
  ['ADDRESS', '自宅は新宿区西新宿2-8-1です', '新宿区西新宿2-8-1'],
  ['ADDRESS', '京都市左京区下鴨１－２の近く', '京都市左京区下鴨１－２'],
  ['ADDRESS', '町田市原町田3丁目に', '町田市原町田3丁目'],
  ['ADDRESS', '大阪府在住です', '大阪府'],
  ['ADDRESS', '横浜市に住んでいます', '横浜市'],
  ['ADDRESS', '住所は福岡県です', '福岡県'],
  ['ADDRESS', '新宿区西新宿二丁目8番1号', '新宿区西新宿二丁目8番1号'],
  ['ADDRESS', '沖縄県那覇市おもろまち1-2-3宛', '沖縄県那覇市おもろまち1-2-3'],
  ['PHONE', '急ぎは090.1234.5678へ', '090.1234.5678'],
  ['PHONE', '電話090 - 1234 - 5678まで', '090 - 1234 - 5678'],
  ['PHONE', '電話（0859-22-1234）まで', '0859-22-1234'],
  ['EMAIL', '連絡先：nakamura (at) example.co.jp', 'nakamura (at) example.co.jp'],
  ['NAME', '店員の佐藤さんが親切でした', '佐藤'],
  ['NAME', '担当の長谷川様から', '長谷川'],
  ['NAME', '山田太郎と申します', '山田太郎'],
  ['NAME', '氏名：山口　健一', '山口　健一'],
  ['NAME', '宛名が小林様になっていました', '小林'],
  ['NAME', 'スミス様から', 'スミス'],
  ['BIRTH_DATE', '生年月日は1985年4月1日です', '1985年4月1日'],
  ['BIRTH_DATE', '生年月日 S60.4.1', 'S60.4.1'],
  ['BIRTH_DATE', '平成元年5月5日生まれ', '平成元年5月5日'],
  ['BIRTH_DATE', '誕生日：１９８８年１１月３日', '１９８８年１１月３日'],
];

/** Numbers and words that are not personal data and must come through untouched. */
const KEPT: readonly string[] = [
  '3日前に購入しました。',
  '2024年5月3日に注文した商品がまだ届きません。',
  '2024-05-12に注文、2024/05/13に発送',
  '評価は10点中8点です。',
  '注文番号 A-10023 の件です。',
  '注文番号KO-2024-000123の件',
  '価格は¥12,800でした。先月より1,200円も値上がり。',
  'ポイント（350ポイント）がまだ付与されていません。',
  'レジで30分近く並びました。営業時間は10:00-21:00です。',
  'マイナンバーは123456789017です',
  'カード番号4111 1111 1111 1112で',
  '4111111111111112',
  '1234 5678 9012 3456',
  '番号は160-0023です',
  'アプリのv4.2で修正予定。',
  // A prefecture is a place to live only where an address or home follows it (issue 13, item 18).
  '北海道産じゃがいもが小さかった',
  '東京都限定パッケージ',
  '千葉県民の日のセール',
  '沖縄県産もずくと静岡県産の緑茶',
  '東京都内の店舗',
  // Numbers labelled as the shop's or the carrier's, and ids in links.
  '注文番号：0312345678の件',
  '品番 0123-456-789 の交換',
  '伝票番号456789012346の荷物',
  'JANコード4901234567894の商品',
  'バーコードは4900012345747です',
  'https://example.jp/support?ref=0312345678',
  // Role words, polite speech and words with 様 in them are not names.
  'お客様窓口の店員さんと配達員さんとドライバーさん',
  '担当者様、店長さん、お母さん、皆様、息子さん',
  '仕様が変わり、以前と同様に、様々な模様',
  'ヤマトさんと郵便局さんと運送会社さん、子供さんと猫ちゃんとワンちゃん',
  '彼氏と御殿場へ、ひどい有様、受取人が不在の場合',
  '1985年創業、誕生日プレゼント、1990年生まれ',
  '12月3日生産分のヨーグルト',
  '名前の漢字が違います',
  '東京の店舗で1-2回購入',
  '地区大会で2-3位でした',
  '商品を2-3個購入',
  '',
];

describe(detectPii.name, () => {
  it.each(FOUND)('finds %s in %s', (kind, text, pii) => {
    expect(detectPii(text).map((s) => [s.kind, text.slice(s.start, s.end)])).toEqual([[kind, pii]]);
  });

  it.each(KEPT)('finds nothing in %s', (text) => {
    expect(detectPii(text)).toEqual([]);
  });

  it('returns sorted, non-overlapping spans in a message with one of each', () => {
    const text =
      '山田です。〒160-0023 東京都新宿区西新宿2-8-1、電話090-1234-5678、メールtaro@example.jp、' +
      'カード4111 1111 1111 1111、個人番号123456789018。';
    const spans = detectPii(text);
    expect(spans.map((s) => s.kind)).toEqual(['POSTAL', 'ADDRESS', 'PHONE', 'EMAIL', 'CARD', 'MYNUMBER']);
    spans.forEach((s, i) => expect(s.start).toBeGreaterThanOrEqual(spans[i - 1]?.end ?? 0));
  });

  // Guards against a 12-digit My Number being half-eaten as a phone number.
  it('reads a valid My Number starting with 0 as MYNUMBER, not PHONE', () => {
    const myNumber = `01234567890${myNumberCheckDigit('01234567890')}`;
    expect(detectPii(`番号${myNumber}`).map((s) => s.kind)).toEqual(['MYNUMBER']);
  });

  // Guards against an address swallowing the phone typed right after it: it is cut short instead.
  it('keeps an address and the phone glued to it apart', () => {
    expect(maskFreeText('東京都新宿区西新宿2-8-1電話03-1234-5678')).toBe('[ADDRESS][PHONE]');
  });

  // Guards against the address pattern backtracking quadratically on long kanji runs (seconds, not
  // milliseconds). StrykerJS's instrumented copy runs several times slower, hence its wider budget.
  const budgetMs = process.env.STRYKER_MUTATOR_WORKER === undefined ? 100 : 1_000;
  it.each([
    ['a long run of 市', '市'.repeat(5000) + '1'],
    ['repeated prefectures', '東京都1'.repeat(1000)],
    ['a long local part without a domain', 'a'.repeat(5000) + '@'],
    ['spaced digits', '0 '.repeat(2500)],
    ['a name before every honorific', '山さん'.repeat(2000)],
    ['a field label before every name', '氏名は山'.repeat(1500)],
    ['a long hiragana run after a city', `東京都渋谷区${'あ'.repeat(5000)}1-2`],
    ['birth-date labels', '生年月日は1'.repeat(1500)],
  ])('scans %s in linear time', (_shape, text) => {
    const started = performance.now();
    detectPii(text);
    expect(performance.now() - started).toBeLessThan(budgetMs);
  });
});

describe(myNumberCheckDigit.name, () => {
  it.each([['12345678901', 8], ['00000000000', 0], ['11111111111', 8], ['99999999999', 6]] as const)(
    'gives %s the check digit %s',
    (first11, check) => expect(myNumberCheckDigit(first11)).toBe(check),
  );
});

describe(maskFreeText.name, () => {
  it.each([
    ['連絡先は０９０－１２３４－５６７８、メールはtaro@example.jpです。', '連絡先は[PHONE]、メールは[EMAIL]です。'],
    ['郵便番号は〒160-0023です。住所は東京都新宿区本町2-8-1です。', '郵便番号は[POSTAL]です。住所は[ADDRESS]です。'],
    ['{date}に注文した商品が3日遅れ。注文番号 A-10023、¥12,800。', '{date}に注文した商品が3日遅れ。注文番号 A-10023、¥12,800。'],
    ['個人番号1234-5678-9018とカード5500-0000-0000-0004', '個人番号[MYNUMBER]とカード[CARD]'],
    // A postal code without 〒 is one when the address follows it; the prefecture in a product is not one.
    ['150-0041 東京都渋谷区神南1-2-3に北海道産じゃがいもを', '[POSTAL] [ADDRESS]に北海道産じゃがいもを'],
    ['氏名：山田太郎、生年月日：1985年4月1日、担当の佐藤さん', '氏名：[NAME]、生年月日：[BIRTH_DATE]、担当の[NAME]さん'],
  ])('masks %s as %s', (text, expected) => {
    expect(maskFreeText(text)).toBe(expected);
  });
});
