/**
 * Names keep only what a support agent needs to address a letter politely.
 * Japanese script (kanji/kana): `山田 太郎` -> `山田 *` (family name kept, given names collapse into
 * one `*`), `山田太郎` -> `山*`. Latin and other scripts: `Taro Yamada` -> `T*** Y***`.
 */
const HIDDEN = '***';
const JAPANESE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
// `\s` covers U+3000, the full-width space an IME inserts between family and given name.
const SEPARATOR = /\s+/u;

function firstChar(token: string): string {
  return String.fromCodePoint(token.codePointAt(0) ?? 0x2a);
}

export function maskName(value: unknown): string | null {
  if (value == null) return null;
  if (typeof value !== 'string') return HIDDEN;
  const tokens = value.trim().split(SEPARATOR).filter((t) => t.length > 0);
  const [family] = tokens;
  if (family === undefined) return HIDDEN;
  if (JAPANESE.test(value)) {
    if (tokens.length > 1) return `${family} *`;
    const first = firstChar(family);
    // A one-character name (林) would otherwise be shown whole.
    return first.length === family.length ? '*' : `${first}*`;
  }
  return tokens.map((t) => `${firstChar(t)}${HIDDEN}`).join(' ');
}
