import type { Lang } from './i18n';

/** Counts and NPS as the page shows them (NPS to one decimal); null is a suppressed value, "—". */
export function formatNumber(value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-US', { maximumFractionDigits: 1 }).format(value);
}
