/**
 * A birth date reduced to its year, enough for age bands: `1985-04-12`, `1985/4/12`,
 * `1985年4月12日`, `19850412` or a `Date` -> `1985`. Japanese era dates (`昭和60年`) are not read
 * and, like anything else unparseable, become `***`.
 */
const HIDDEN = '***';
const MIN_YEAR = 1800;
const MAX_YEAR = 2199;
const DATE_FORMS: readonly RegExp[] = [
  // 1985-04-12, 1985/4/12, 1985.4.12, optionally followed by an ISO time and offset
  /^(?<year>\d{4})(?<sep>[-/.])(?<month>\d{1,2})\k<sep>(?<day>\d{1,2})(?:[T ][0-9:.]+(?:Z|[+-][0-9:]+)?)?$/u,
  /^(?<year>\d{4})年(?<month>\d{1,2})月(?<day>\d{1,2})日$/u,
  /^(?<year>\d{4})(?<month>\d{2})(?<day>\d{2})$/u,
];

function plausible(year: number, month: number, day: number): boolean {
  return year >= MIN_YEAR && year <= MAX_YEAR && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

function yearOfText(text: string): string {
  for (const form of DATE_FORMS) {
    const parts = form.exec(text)?.groups;
    if (!parts) continue;
    const year = Number(parts['year']);
    return plausible(year, Number(parts['month']), Number(parts['day'])) ? String(year) : HIDDEN;
  }
  return HIDDEN;
}

export function maskYear(value: unknown): string | null {
  if (value == null) return null;
  if (value instanceof Date) {
    // Local time, as the pg driver builds DATE columns at local midnight.
    const year = value.getFullYear();
    return Number.isNaN(year) || year < MIN_YEAR || year > MAX_YEAR ? HIDDEN : String(year);
  }
  if (typeof value !== 'string') return HIDDEN;
  return yearOfText(value.normalize('NFKC').trim());
}
