/** Unused permissions (from the audit trail) beside a principal's review flags: on the Access list and on each periodic-review item. */
import { useI18n } from '../i18n';

export interface Unused { days: number; plainFields: Array<{ field: string; readMasked: boolean }>; roles: Array<{ role: string }> }

export function UnusedNote({ u }: { u: Unused }) {
  const { t } = useI18n();
  if (u.plainFields.length === 0 && u.roles.length === 0) return null;
  return (
    <ul className="unused">
      {u.plainFields.length > 0 && (
        <li>{t('unusedPlain', { days: String(u.days), fields: u.plainFields.map((f) => f.field.replace(/^Customer\./, '')).join(', ') })}</li>
      )}
      {u.roles.map((r) => <li key={r.role}>{t('unusedRole', { role: r.role, days: String(u.days) })}</li>)}
    </ul>
  );
}
