/**
 * The detector at the edges its sentence tables leave out (found by a StrykerJS run, issue 20):
 * digit counts just outside what a phone may have, product codes that pass the card checksum,
 * spans that touch or overlap, numbers next to links, and the characters folded before matching.
 */
import { describe, expect, it } from 'vitest';
import { feedbackPiiFlags } from '../../src/policies/detector/feedback-flags.js';
import { detectPii, myNumberCheckDigit } from '../../src/policies/detector/detector.js';
import { maskFreeText } from '../../src/policies/maskers/freeText.masker.js';

describe('phone numbers by digit count', () => {
  it.each([
    ['+1 234 5678', 'a foreign number of 8 digits, the fewest allowed'],
    ['+1-2345-6789-0123-45', 'a foreign number of 15 digits, the most allowed'],
    ['+44 20 7946 0958', 'a foreign number of 12 digits'],
  ])('masks %s (%s)', (phone) => {
    expect(maskFreeText(`連絡先 ${phone} まで`)).toBe('連絡先 [PHONE] まで');
  });

  it.each([
    ['+1 23 4567', 'a foreign number of 7 digits'],
    ['+1-2345-6789-0123-456', 'a foreign number of 16 digits'],
    ['+81-3-123-456', 'a +81 number with 7 national digits'],
    ['+81-901-2345-6789', 'a +81 number with 11 national digits'],
    ['03-123-4567', 'a domestic number of 9 digits'],
    ['0901-2345-6780', 'a domestic number of 12 digits (not a valid My Number either)'],
  ])('leaves %s alone (%s)', (text) => {
    expect(detectPii(`番号 ${text} です`)).toEqual([]);
  });
});

describe('13-digit numbers', () => {
  it('reads a Luhn-valid 13-digit number as a card', () => {
    expect(maskFreeText('カード4532015112830で')).toBe('カード[CARD]で');
  });

  // Each passes the Luhn check too: only the JAN check digit (weights 1, 3 from the left) tells.
  it.each(['4983038836857', '4914549817417', '4901234567894'])('leaves the unlabelled JAN code %s alone', (jan) => {
    expect(detectPii(`商品 ${jan} を購入`)).toEqual([]);
  });
});

describe(myNumberCheckDigit.name, () => {
  it('gives 0 when the weighted sum leaves a remainder of 1, as it does for 0', () => {
    expect(myNumberCheckDigit('10000087109')).toBe(0);
    expect(maskFreeText('個人番号100000871090です')).toBe('個人番号[MYNUMBER]です');
  });
});

describe('spans next to each other', () => {
  it('keeps a postal code and the address glued to it as two spans', () => {
    expect(detectPii('〒160-0023東京都新宿区西新宿2-8-1')).toEqual([
      { start: 0, end: 9, kind: 'POSTAL' },
      { start: 9, end: 23, kind: 'ADDRESS' },
    ]);
  });

  it('keeps a labelled name and the phone right after it', () => {
    expect(maskFreeText('氏名:山田太郎(03)1234-5678')).toBe('氏名:[NAME][PHONE]');
  });

  it('cuts an address short where a phone glued to it starts: spans never overlap', () => {
    expect(detectPii('東京都新宿区西新宿2-8-1電話03-1234-5678')).toEqual([
      { start: 0, end: 16, kind: 'ADDRESS' },
      { start: 16, end: 28, kind: 'PHONE' },
    ]);
  });

  it('drops a name found inside an address instead of overlapping it', () => {
    expect(detectPii('東京都新宿区西新宿2-8-1山田様')).toEqual([{ start: 0, end: 17, kind: 'ADDRESS' }]);
  });

  it('drops a number that runs into a postal code instead of cutting it short', () => {
    expect(maskFreeText('0312 160-0023東京都新宿区西新宿2-8-1')).toBe('0312 [POSTAL][ADDRESS]');
  });
});

describe('numbers and links', () => {
  it.each([
    ['https://example.jp を見て 090-1234-5678 に電話', 'https://example.jp を見て [PHONE] に電話'],
    ['090-1234-5678https://example.jp', '[PHONE]https://example.jp'],
    ['https://example.jp〒160-0023', 'https://example.jp[POSTAL]'],
  ])('still masks a number outside the link in %s', (text, masked) => {
    expect(maskFreeText(text)).toBe(masked);
  });

  it('ignores an id in a link typed with a full-width tilde', () => {
    expect(detectPii('https://example.jp/～shop/0312345678')).toEqual([]);
  });
});

describe('characters folded before matching', () => {
  it.each([
    ['お名前は山田！', 'お名前は[NAME]！', 'a full-width ! ends a labelled name'],
    ['山田\u00a0太郎様', '[NAME]様', 'a no-break space between family and given name'],
    ['090ｰ1234ｰ5678', '[PHONE]', 'the half-width long-vowel mark as a hyphen'],
  ])('masks %s as %s (%s)', (text, masked) => {
    expect(maskFreeText(text)).toBe(masked);
  });
});

describe('words before an honorific that are not names', () => {
  it('does not take a company named after a carrier for a person', () => {
    expect(detectPii('アマゾン・ジャパンさんから届きました')).toEqual([]);
  });
});

describe(detectPii.name, () => {
  it.each([null, undefined, 42, {}])('finds nothing in %o, which is not text', (value) => {
    expect(detectPii(value as unknown as string)).toEqual([]);
  });
});

describe(feedbackPiiFlags.name, () => {
  it('flags the kinds found in the subject and the body, with the flags already known, sorted and once each', () => {
    expect(feedbackPiiFlags('返信は taro@example.jp へ', '電話は090-1234-5678、メールは hanako@example.jp', ['NAME', 'EMAIL'])).toEqual([
      'EMAIL', 'NAME', 'PHONE',
    ]);
  });

  it('flags nothing for a missing subject and body', () => {
    expect(feedbackPiiFlags(null, undefined)).toEqual([]);
    expect(feedbackPiiFlags(undefined, '住所は東京都新宿区西新宿2-8-1です')).toEqual(['ADDRESS']);
  });
});
