/**
 * Free text keeps its words and loses the personal data typed into it: every span `detectPii`
 * finds becomes a marker of its kind (`[PHONE]`, `[EMAIL]`, `[ADDRESS]` …), so an analyst still
 * reads "連絡先は[PHONE]です" and knows what was there without seeing it.
 */
import { detectPii } from '../detector/detector.js';
import { REDACTED } from './redact.masker.js';

export function maskFreeText(value: unknown): string | null {
  if (value == null) return null;
  // Only strings are scanned; anything else could hide data in a shape the detector never sees.
  if (typeof value !== 'string') return REDACTED;
  const spans = detectPii(value);
  if (spans.length === 0) return value;
  let out = '';
  let at = 0;
  for (const { start, end, kind } of spans) {
    out += `${value.slice(at, start)}[${kind}]`;
    at = end;
  }
  return out + value.slice(at);
}
