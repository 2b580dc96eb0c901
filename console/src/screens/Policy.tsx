import { useMemo, useState } from 'react';
import { useI18n } from '../i18n';
import { useGql, type ScreenProps } from '../useApi';
import { LoadError } from '../LoadError';
import { Rich } from '../Rich';

interface Matrix {
  version: string;
  roles: string[];
  fields: string[];
  cells: Array<{ role: string; field: string; decision: string; text: string }>;
}

const QUERY = `query ConsolePolicyMatrix { policyMatrix { version roles fields cells { role field decision text } } }`;
const VARS = {};

export function Policy({ onAuthLost }: ScreenProps) {
  const { t } = useI18n();
  const [reload, setReload] = useState(0);
  const loaded = useGql<{ policyMatrix: Matrix }>(QUERY, VARS, onAuthLost, reload);
  const [fieldFilter, setFieldFilter] = useState('');
  const [role, setRole] = useState('');
  const byKey = useMemo(() => {
    const m = new Map<string, { decision: string; text: string }>();
    if (loaded.kind === 'ok') for (const c of loaded.data.policyMatrix.cells) m.set(`${c.role}|${c.field}`, c);
    return m;
  }, [loaded]);
  if (loaded.kind !== 'ok') {
    return (
      <section aria-labelledby="policy-h">
        <h2 id="policy-h">{t('matrixTitle')}</h2>
        {loaded.kind === 'loading' ? <p role="status">{t('loading')}</p> : <LoadError message={loaded.message} onRetry={() => setReload((n) => n + 1)} />}
      </section>
    );
  }
  const m = loaded.data.policyMatrix;
  const roles = role ? [role] : m.roles;
  const fields = m.fields.filter((f) => f.toLowerCase().includes(fieldFilter.toLowerCase()));
  return (
    <section aria-labelledby="policy-h">
      <h2 id="policy-h">{t('matrixTitle')}</h2>
      <p className="help"><Rich text={t('matrixHelp')} /></p>
      <p>{t('policyVersion')}: <code>{m.version}</code></p>
      <div className="filters">
        <label>{t('filterField')} <input type="search" value={fieldFilter} onChange={(e) => setFieldFilter(e.target.value)} /></label>
        <label>{t('filterRole')}{' '}
          <select value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="">{t('allRoles')}</option>
            {m.roles.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </label>
      </div>
      <div className="scroll" tabIndex={0} role="region" aria-label={t('matrixTitle')}>
        <table className="grid matrix" data-testid="policy-matrix">
          <thead><tr><th scope="col">{t('field')}</th>{roles.map((r) => <th scope="col" key={r}>{r}</th>)}</tr></thead>
          <tbody>
            {fields.map((f) => (
              <tr key={f}>
                <th scope="row"><code>{f}</code></th>
                {roles.map((r) => {
                  const c = byKey.get(`${r}|${f}`);
                  return <td key={r}><span className={`badge ${(c?.decision ?? 'denied').toLowerCase()}`}>{c?.text ?? '—'}</span></td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
