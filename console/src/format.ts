/** Dates as people in Japan read them: Asia/Tokyo, whatever the browser's own zone. */
import type { Lang } from './i18n';

const formats = new Map<Lang, Intl.DateTimeFormat>();

export function formatDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  let f = formats.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { timeZone: 'Asia/Tokyo', dateStyle: 'medium', timeStyle: 'medium' });
    formats.set(lang, f);
  }
  return `${f.format(new Date(iso))} JST`;
}

/** A datetime-local input's value, read as Tokyo time, as an ISO instant. */
export function tokyoInputToIso(value: string): string | null {
  if (!value) return null;
  const d = new Date(`${value.length === 16 ? `${value}:00` : value}+09:00`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
