/**
 * Personal data customers type into free text: their phone number (sometimes in full-width
 * digits), e-mail, postal code or street address, and now and then a card number. These are
 * what the masking layer has to find, so every shape a detector must know appears here.
 */
import { makeCardNumber, toFullWidth, type PostalAddress } from './contact.js';
import { WeightedTable, type Random } from './random.js';

export interface TypedContact {
  readonly phone: string;
  readonly email: string;
  readonly address: PostalAddress;
}

type Kind = 'phone' | 'phoneFullWidth' | 'email' | 'postal' | 'street' | 'fullAddress';

const KINDS = new WeightedTable<Kind>([
  ['phone', 30],
  ['phoneFullWidth', 10],
  ['email', 25],
  ['postal', 10],
  ['street', 15],
  ['fullAddress', 10],
]);

const PHRASES: Readonly<Record<Kind, readonly string[]>> = {
  phone: ['連絡先は{v}です。', '折り返しは{v}までお願いします。', '日中は{v}に電話ください。', '携帯：{v}。'],
  phoneFullWidth: ['電話番号は{v}です。', '折り返し先：{v}。', '{v}までご連絡ください。'],
  email: ['返信は{v}宛にお願いします。', 'メールアドレスは{v}です。', '（登録メール：{v}）', '{v}に連絡ください。'],
  postal: ['郵便番号は〒{v}です。', '〒{v}の地域ですが配送対象でしょうか。', '郵便番号{v}で登録しています。'],
  street: ['届け先は{v}です。', '住所は{v}です。', '{v}に住んでいます。'],
  fullAddress: ['住所：{v}。', '送付先は{v}でお願いします。'],
};

const CARD_PHRASES: readonly string[] = [
  'カード番号{v}で支払いました。',
  '念のため、カード番号は{v}です。',
  '{v}のカードで引き落とされています。',
];

function value(kind: Kind, c: TypedContact): string {
  switch (kind) {
    case 'phone':
      return c.phone;
    case 'phoneFullWidth':
      return toFullWidth(c.phone);
    case 'email':
      return c.email;
    case 'postal':
      return c.address.postal;
    case 'street':
      return c.address.street;
    case 'fullAddress':
      return c.address.full;
  }
}

/** One piece of contact data in a sentence, and in one of five cases a second, different one. */
export function piiSentence(rng: Random, contact: TypedContact): string {
  const first = KINDS.draw(rng);
  let out = rng.pick(PHRASES[first]).replace('{v}', value(first, contact));
  if (rng.chance(0.2)) {
    let second = KINDS.draw(rng);
    while (second === first) second = KINDS.draw(rng);
    out += rng.pick(PHRASES[second]).replace('{v}', value(second, contact));
  }
  return out;
}

export function cardSentence(rng: Random): string {
  return rng.pick(CARD_PHRASES).replace('{v}', makeCardNumber(rng));
}
