/**
 * `taro.yamada@example.co.jp` -> `t***@example.co.jp`: the domain stays (it tells support which
 * provider bounces), the local part shrinks to its first character. Anything that is not
 * recognisably one address becomes `***`, so a malformed value can never pass through whole.
 */
const HIDDEN = '***';
const DOMAIN = /^[^\s@.]+(?:\.[^\s@.]+)+$/u;
const WHITESPACE = /\s/u;

export function maskEmail(value: unknown): string | null {
  if (value == null) return null;
  if (typeof value !== 'string') return HIDDEN;
  // NFKC first: `ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ` is typed with the IME left in full-width mode.
  const email = value.normalize('NFKC').trim();
  const at = email.lastIndexOf('@');
  if (at <= 0) return HIDDEN;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.includes('@') || WHITESPACE.test(local) || !DOMAIN.test(domain)) return HIDDEN;
  const first = String.fromCodePoint(local.codePointAt(0) ?? 0x2a);
  // A one-character local part would be shown whole by its "first character".
  return first.length === local.length ? `${HIDDEN}@${domain}` : `${first}${HIDDEN}@${domain}`;
}
