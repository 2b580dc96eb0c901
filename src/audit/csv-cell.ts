/** One CSV cell for a spreadsheet: always quoted, and a leading = + - @ prefixed so it is never run as a formula. */
export function csvCell(value: string | number | boolean | null): string {
  const text = value === null ? '' : String(value);
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}
