/**
 * The clear year beside the sealed birth date (`customer.birth_year`): what age bands group by,
 * since SQL cannot open the date. Derived from the plaintext at the moment it is sealed, or by
 * `koe migrate`'s back-fill from the opened value.
 */
const DATE = /^(\d{4})-\d{2}-\d{2}$/;

/** The year of a `YYYY-MM-DD` birth date; null for an empty or malformed one (nothing to band). */
export function birthYearOf(birthDate: string | null | undefined): number | null {
  const m = DATE.exec(birthDate ?? '');
  return m ? Number(m[1]) : null;
}
