/**
 * Keeps the last four digits of a phone number and the shape of its separators, so support can
 * confirm "the number ending in 5678" without learning the rest: `090-1234-5678` ->
 * `***-****-5678`, `+81 90-1234-5678` -> `+81 **-****-5678`. A value with anything but digits
 * and phone punctuation in it is not a phone number we understand, so it is hidden whole.
 */
const HIDDEN = '****';
const DASHES = /[\u2010-\u2015\u2212\u30fc\uff70]/gu;
const PHONE_SHAPE = /^\+?[0-9(][0-9\s\-().]*$/u;
const DIGIT = /[0-9]/gu;
const SHOWN_DIGITS = 4;

export function maskPhone(value: unknown): string | null {
  if (value == null) return null;
  const raw = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : '';
  // NFKC turns ０９０－１２３４ into 090-1234; the dash look-alikes it leaves alone are folded here.
  const phone = raw.normalize('NFKC').replace(DASHES, '-').trim();
  if (!PHONE_SHAPE.test(phone)) return HIDDEN;
  // The country code is routing, not identity; only +81 is recognised, other prefixes keep just `+`.
  const prefix = phone.startsWith('+81') ? '+81' : phone.startsWith('+') ? '+' : '';
  const rest = phone.slice(prefix.length);
  let toHide = (rest.match(DIGIT)?.length ?? 0) - SHOWN_DIGITS;
  // With four digits or fewer, "the last four" would be the whole number.
  if (toHide <= 0) return HIDDEN;
  return prefix + rest.replace(DIGIT, (d) => (toHide-- > 0 ? '*' : d));
}
