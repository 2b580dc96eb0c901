/**
 * Text Koe refuses at the door: a NUL byte (PostgreSQL cannot store it in text, and the driver's
 * protocol breaks on it) and an unpaired UTF-16 surrogate (it has no UTF-8 encoding, so the row or
 * the audit event holding it fails to write). Everything else Unicode is accepted as sent.
 */

// Code units, not code points (no `u` flag): a high surrogate not followed by a low one, or a low one without its high.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `s` cannot be stored, or null when it can. */
export function unstorableText(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character (U+0000)';
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired UTF-16 surrogate (not valid Unicode text)';
  return null;
}

const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A message fragment built from caller input, made safe to echo: printable, valid Unicode, bounded. */
export function echoable(s: string, max = 200): string {
  const clean = s.replace(UNPRINTABLE, '\ufffd');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
