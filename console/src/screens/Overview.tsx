import type { Me } from '../api';
import { useI18n } from '../i18n';
import type { Screen } from '../screens';
import { Attention } from './Attention';

export function Overview({ me, onAuthLost, go }: { me: Me; onAuthLost: () => void; go: (s: Screen) => void }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="overview-h">
      <h2 id="overview-h">{t('overview')}</h2>
      <Attention me={me} onAuthLost={onAuthLost} go={go} />
      <dl className="facts">
        <dt>{t('principal')}</dt><dd data-testid="me-id">{me.id}</dd>
        <dt>{t('displayName')}</dt><dd>{me.displayName}</dd>
        <dt>{t('roles')}</dt><dd data-testid="me-roles">{me.roles.join(', ')}</dd>
        <dt>{t('team')}</dt><dd>{me.teamId ?? t('none')}</dd>
        <dt>{t('purpose')}</dt><dd>{me.purpose ?? t('none')}</dd>
        <dt>{t('policyVersion')}</dt><dd><code>{me.policyVersion}</code></dd>
      </dl>
      <h3>{t('decisions')}</h3>
      <table className="grid">
        <thead><tr><th scope="col">{t('field')}</th><th scope="col">{t('decision')}</th></tr></thead>
        <tbody>
          {me.decisions.map((d) => (
            <tr key={d.field}><td><code>{d.field}</code></td><td><span className={`badge ${d.decision.split('(')[0]!.toLowerCase()}`}>{d.decision}</span></td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
