import { describe, expect, it } from 'vitest';
import { PII_CATEGORIES } from '../../src/policies/catalog.js';
import { maskEmail } from '../../src/policies/maskers/email.masker.js';
import { maskFreeText } from '../../src/policies/maskers/freeText.masker.js';
import { maskHash } from '../../src/policies/maskers/hash.masker.js';
import { DEFAULT_MASKER, isMaskerName, MASKERS, type MaskContext, type MaskerName } from '../../src/policies/maskers/index.js';
import { maskName } from '../../src/policies/maskers/name.masker.js';
import { maskPhone } from '../../src/policies/maskers/phone.masker.js';
import { maskPrefecture } from '../../src/policies/maskers/prefecture.masker.js';
import { PREFECTURES } from '../../src/policies/maskers/prefectures.js';
import { maskPurchase } from '../../src/policies/maskers/purchase.masker.js';
import { maskRedact } from '../../src/policies/maskers/redact.masker.js';
import { maskYear } from '../../src/policies/maskers/year.masker.js';

const CTX: MaskContext = { pseudonymKey: 'test-key' };
const NAMES = Object.keys(MASKERS) as MaskerName[];
type Row = readonly [MaskerName, unknown, unknown];
const rows = (name: MaskerName, pairs: ReadonlyArray<readonly [unknown, unknown]>): Row[] =>
  pairs.map(([input, expected]) => [name, input, expected] as const);
const masks = (name: MaskerName, input: unknown, expected: unknown): void => {
  expect(MASKERS[name](input, CTX)).toEqual(expected);
};

describe(maskEmail.name, () => {
  it.each(rows('email', [
    ['taro.yamada@example.co.jp', 't***@example.co.jp'],
    ['hanako_suzuki88@docomo.ne.jp', 'h***@docomo.ne.jp'],
    ['  Taro+koe@Gmail.com ', 'T***@Gmail.com'],
    ['ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ', 't***@example.jp'],
    ['a@example.com', '***@example.com'],
    ['taro.yamada', '***'],
    ['taro@', '***'],
    ['@example.com', '***'],
    ['taro@localhost', '***'],
    ['taro yamada@example.com', '***'],
    ['"a@b"@example.com', '***'],
    ['', '***'],
  ]))('%s masks %s as %s', masks);

  it.each(['taro.yamada@example.co.jp', 'ab@example.com', 'ｙａｍａｄａ@example.jp'])('does not leak the local part of %s', (email) => {
    const local = email.normalize('NFKC').split('@')[0] ?? '';
    expect(maskEmail(email)).not.toContain(local.slice(1));
  });
});

describe(maskPhone.name, () => {
  it.each(rows('phone', [
    ['090-1234-5678', '***-****-5678'],
    ['03-1234-5678', '**-****-5678'],
    ['0776-23-4567', '****-**-4567'],
    ['09012345678', '*******5678'],
    ['０９０－１２３４－５６７８', '***-****-5678'],
    ['０９０ー１２３４ー５６７８', '***-****-5678'],
    ['03(1234)5678', '**(****)5678'],
    ['(03) 1234-5678', '(**) ****-5678'],
    ['+81 90-1234-5678', '+81 **-****-5678'],
    ['+819012345678', '+81******5678'],
    ['+1 415 555 1234', '+* *** *** 1234'],
    [9012345678, '******5678'],
    ['123', '****'],
    ['5678', '****'],
    ['+815678', '****'],
    ['090-1234-5678 (mobile)', '****'],
    ['call 090-1234-5678', '****'],
    ['', '****'],
  ]))('%s masks %s as %s', masks);

  it.each(['090-1234-5678', '+81 3-9876-5432', '０８０１１１１２２２２'])('shows no digit of %s but the last four', (phone) => {
    const digits = phone.normalize('NFKC').replace(/^\+81/, '').replace(/[^0-9]/g, '');
    expect(maskPhone(phone)?.replace(/^\+81/, '').replace(/[^0-9]/g, '')).toBe(digits.slice(-4));
  });
});

describe(maskName.name, () => {
  it.each(rows('name', [
    ['山田 太郎', '山田 *'],
    ['山田\u3000太郎', '山田 *'],
    ['佐々木  花子', '佐々木 *'],
    ['ヤマダ タロウ', 'ヤマダ *'],
    ['ﾔﾏﾀﾞ ﾀﾛｳ', 'ﾔﾏﾀﾞ *'],
    ['山田太郎', '山*'],
    ['林', '*'],
    ['やまだ はなこ', 'やまだ *'],
    ['Taro Yamada', 'T*** Y***'],
    ['Mary Jane Watson', 'M*** J*** W***'],
    ['  Taro  ', 'T***'],
    ['', '***'],
    ['   ', '***'],
  ]))('%s masks %s as %s', masks);

  it.each([['山田 太郎', '太郎'], ['鈴木\u3000一郎', '一郎'], ['Taro Yamada', 'aro'], ['ヤマダ タロウ', 'タロウ']])(
    'does not leak the given name of %s',
    (name, given) => expect(maskName(name)).not.toContain(given),
  );
});

describe(maskPrefecture.name, () => {
  it.each(rows('prefecture', [
    ['東京都新宿区西新宿2-8-1', '東京都'],
    ['〒160-0023 東京都新宿区西新宿2-8-1', '東京都'],
    ['〒０６０－０００１ 北海道札幌市中央区北1条西2丁目', '北海道'],
    ['大阪府大阪市北区梅田1丁目2番3号', '大阪府'],
    ['京都府京都市左京区下鴨1-2', '京都府'],
    ['東京都府中市宮町1-1', '東京都'],
    ['神奈川県横浜市中区山下町1-2-3 ○○マンション101号', '神奈川県'],
    ['沖縄県那覇市泉崎1-2-2', '沖縄県'],
    ['新宿区西新宿2-8-1', '***'],
    ['京都市左京区下鴨1-2', '***'],
    ['', '***'],
  ]))('%s masks %s as %s', masks);
});

describe(maskYear.name, () => {
  it.each(rows('year', [
    ['1985-04-12', '1985'],
    ['1985/4/12', '1985'],
    ['1985.04.12', '1985'],
    ['1985年4月12日', '1985'],
    ['１９８５－０４－１２', '1985'],
    ['19850412', '1985'],
    ['1985-04-12T00:00:00.000Z', '1985'],
    [new Date(1985, 3, 12), '1985'],
    ['昭和60年4月12日', '***'],
    ['1985-13-01', '***'],
    ['1985/04-12', '***'],
    ['0000-01-01', '***'],
    ['April 12, 1985', '***'],
    [new Date(Number.NaN), '***'],
    [482112000000, '***'],
    ['', '***'],
  ]))('%s masks %s as %s', masks);
});

describe(maskHash.name, () => {
  it.each(rows('hash', [
    ['C-000123', 'h_b7272a90b5fecb80'],
    ['Ｃ－０００１２３', 'h_b7272a90b5fecb80'],
    ['ABC123', 'h_ea7c5cdb59130ab3'],
  ]))('%s masks %s as %s', masks);

  it('is stable for one key and differs for another', () => {
    expect(maskHash('C-000123', CTX)).toBe(maskHash('C-000123', CTX));
    expect(maskHash('C-000123', { pseudonymKey: 'other-key' })).toBe('h_0b793f364f109ae4');
    expect(maskHash('C-000123', { pseudonymKey: new TextEncoder().encode('test-key') })).toBe('h_b7272a90b5fecb80');
  });

  it.each([[''], [new Uint8Array(0)]])('redacts instead of hashing with the empty key %s', (pseudonymKey) => {
    expect(maskHash('C-000123', { pseudonymKey })).toBe('[REDACTED]');
  });
});

describe(maskRedact.name, () => {
  it.each(rows('redact', [['山田 太郎', '[REDACTED]'], ['', '[REDACTED]'], [0, '[REDACTED]'], [false, '[REDACTED]'], [{ a: 1 }, '[REDACTED]']]))(
    '%s masks %s as %s',
    masks,
  );
});

describe(maskPurchase.name, () => {
  const at = new Date('2024-05-03T10:00:00Z');
  const purchase = { id: 'p1', orderedAt: at, productName: 'ベビーカー', category: 'ベビー', amount: 12800, store: '新宿店', customerEmail: 'x@y.jp' };
  const masked = { id: 'p1', orderedAt: at, productName: '***', category: 'ベビー', amount: 12800, store: '***' };
  it.each(rows('purchase', [
    [[purchase], [masked]],
    [purchase, masked],
    [[purchase, null, 'x', [purchase]], [masked, null, '[REDACTED]', '[REDACTED]']],
    [[{ id: 'p2', productName: null }], [{ id: 'p2', orderedAt: null, productName: null, category: null, amount: null, store: null }]],
    [[], []],
    ['ベビーカー', '[REDACTED]'],
    [12800, '[REDACTED]'],
  ]))('%s masks %s as %s', masks);

  it('does not carry fields outside the allow-list', () => {
    expect(JSON.stringify(maskPurchase([purchase]))).not.toMatch(/ベビーカー|新宿店|customerEmail/);
  });
});

describe(maskFreeText.name, () => {
  it.each(rows('freeText', [
    ['連絡先は090-1234-5678です。', '連絡先は[PHONE]です。'],
    ['返信はtaro.yamada@example.co.jp宛に、住所は〒160-0023 東京都新宿区本町2-8-1です。', '返信は[EMAIL]宛に、住所は[POSTAL] [ADDRESS]です。'],
    ['3日前に購入した商品が届きません。', '3日前に購入した商品が届きません。'],
    ['', ''],
    [42, '[REDACTED]'],
    [{ body: '090-1234-5678' }, '[REDACTED]'],
  ]))('%s masks %s as %s', masks);
});

describe('MASKERS', () => {
  const odd: ReadonlyArray<readonly [string, unknown]> = [
    ['zero', 0], ['a number', 42], ['a phone-like number', 9012345678], ['a negative number', -1], ['NaN', Number.NaN],
    ['a bigint', 12n], ['a boolean', true], ['an empty object', {}], ['an empty array', []], ['an array of numbers', [1, 2]],
    ['a symbol', Symbol('s')], ['a function', () => 1], ['an invalid Date', new Date(Number.NaN)], ['a Map', new Map()],
  ];
  const cases = NAMES.flatMap((name) => odd.map(([label, value]) => [name, label, value] as const));

  it.each(NAMES.flatMap((name) => [[name, null], [name, undefined]] as const))('%s masks %s as null', (name, value) => {
    expect(MASKERS[name](value, CTX)).toBeNull();
  });

  it.each(cases)('%s survives %s without returning it', (name, _label, value) => {
    expect(() => MASKERS[name](value, CTX)).not.toThrow();
    expect(MASKERS[name](value, CTX)).not.toBe(value);
  });
});

describe('DEFAULT_MASKER', () => {
  it.each(Object.entries(DEFAULT_MASKER))('masks %s with %s by default', (category, name) => {
    expect(PII_CATEGORIES).toContain(category);
    expect(isMaskerName(name)).toBe(true);
  });

  it('covers every PII category', () => {
    expect(Object.keys(DEFAULT_MASKER).sort()).toEqual([...PII_CATEGORIES].sort());
  });
});

describe(isMaskerName.name, () => {
  it.each([...NAMES.map((n) => [n, true] as const), ['Email', false], ['toString', false], ['__proto__', false], ['constructor', false], ['', false]] as const)(
    'reads %s as a masker name: %s',
    (name, expected) => expect(isMaskerName(name)).toBe(expected),
  );
});

describe('PREFECTURES', () => {
  it('lists the 47 prefectures once each, in JIS order', () => {
    expect(PREFECTURES).toHaveLength(47);
    expect(new Set(PREFECTURES).size).toBe(47);
    expect([PREFECTURES[0], PREFECTURES[12], PREFECTURES[25], PREFECTURES[26], PREFECTURES[46]]).toEqual(['北海道', '東京都', '京都府', '大阪府', '沖縄県']);
    for (const p of PREFECTURES) expect(p).toMatch(/^\p{Script=Han}{2,3}[都道府県]$/u);
  });
});
