import { describe, expect, it } from 'vitest';
import { detectPii } from '../../src/policies/detector/detector.js';
import { isPiiKind, PII_KINDS, piiCategoriesIn } from '../../src/policies/detector/categories.js';

/** Each row: a text and the kinds it must be flagged with (sorted, unique). */
const CASES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['配送が早くて満足です。', []],
  ['注文番号A-10023の件です', []],
  ['', []],
  ['連絡先は090-1234-5678です。', ['PHONE']],
  ['メールはtaro@example.co.jp、電話は03-1234-5678です', ['EMAIL', 'PHONE']],
  ['電話090-1111-2222、携帯090-3333-4444', ['PHONE']],
  ['〒160-0023 東京都新宿区西新宿2-8-1に送ってください', ['ADDRESS', 'POSTAL']],
  ['カード4111 1111 1111 1111で払いました', ['CARD']],
  ['ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ', ['EMAIL']],
  ['店員の佐藤さんが親切でした', ['NAME']],
  ['氏名：山田太郎、生年月日：1985年4月1日', ['BIRTH_DATE', 'NAME']],
  ['北海道産じゃがいもを誕生日プレゼントに', []],
];

describe(piiCategoriesIn.name, () => {
  it.each(CASES)('flags %j as %j', (text, kinds) => {
    expect(piiCategoriesIn(text)).toEqual(kinds);
  });

  it.each([null, undefined, 42, { body: 'taro@example.jp' }])('flags nothing in the non-string %j', (value) => {
    expect(piiCategoriesIn(value)).toEqual([]);
  });

  it('names only kinds the detector reports, the same ones the masker writes', () => {
    const text = 'taro@example.jp 090-1234-5678 〒160-0023 東京都新宿区西新宿2-8-1 4111111111111111';
    expect(piiCategoriesIn(text)).toEqual([...new Set(detectPii(text).map((s) => s.kind))].sort());
    for (const kind of piiCategoriesIn(text)) expect(PII_KINDS).toContain(kind);
  });
});

describe(isPiiKind.name, () => {
  it.each(PII_KINDS)('accepts %s', (kind) => expect(isPiiKind(kind)).toBe(true));
  it.each(['phone', 'name', 'PURCHASE', 'FREE_TEXT', 'IDENTIFIER', '', 'toString', '__proto__'])('refuses %j', (name) => expect(isPiiKind(name)).toBe(false));
  it('lists every kind sorted', () => expect(PII_KINDS).toEqual(['ADDRESS', 'BIRTH_DATE', 'CARD', 'EMAIL', 'MYNUMBER', 'NAME', 'PHONE', 'POSTAL']));
});
