import { formatDate } from '../format';
import { useI18n } from '../i18n';
import { useState } from 'react';
import { useGql, type ScreenProps } from '../useApi';
import { LoadError } from '../LoadError';
import { KEYS_SCREEN_QUERY, type KeyStatus, type LifecycleDryRun } from './ops-queries';
import { Rich } from '../Rich';
import { Badge, useWord } from '../people/Badge';

const VARS = {};

/** KEK versions and rotation, what the lifecycle would dispose of now, the audit trail's retention (admin, dpo). */
export function Keys({ onAuthLost }: ScreenProps) {
  const { t, lang } = useI18n();
  const word = useWord();
  const [reload, setReload] = useState(0);
  const loaded = useGql<{ keyStatus: KeyStatus; lifecycleDryRun: LifecycleDryRun }>(KEYS_SCREEN_QUERY, VARS, onAuthLost, reload);
  // The screen keeps its heading while it loads or fails, so the reader knows what did not load.
  if (loaded.kind !== 'ok') {
    return (
      <section aria-labelledby="keys-h">
        <h2 id="keys-h">{t('keys')}</h2>
        {loaded.kind === 'loading' ? <p role="status">{t('loading')}</p> : <LoadError message={loaded.message} onRetry={() => setReload((n) => n + 1)} />}
      </section>
    );
  }
  const { keyStatus: k, lifecycleDryRun: lc } = loaded.data;
  const active = k.versions.find((v) => v.version === k.active);
  return (
    <section aria-labelledby="keys-h">
      <h2 id="keys-h">{t('keys')}</h2>
      <h3>{t('kekTitle')}</h3>
      {active && (
        <p className={k.rotationDue ? 'error' : 'notice'} data-testid="rotation">
          <Rich text={t(k.rotationDue ? 'rotationDue' : 'rotationOk', { version: String(active.version), age: String(active.ageDays), max: String(k.maxAgeDays) })} />
        </p>
      )}
      {k.rotationUnfinished && <p className="error"><Rich text={t('rotationUnfinished')} /></p>}
      {k.problems.map((p) => <p key={p} className="error">{t('keyProblem')}: {p}</p>)}
      <div className="scroll">
        <table className="grid" data-testid="kek-table">
          <thead>
            <tr>
              <th scope="col">{t('kekVersion')}</th><th scope="col">{t('kekState')}</th><th scope="col">{t('kekCreated')}</th><th scope="col">{t('kekAge')}</th>
              <th scope="col">{t('kekDataKeys')}</th><th scope="col">{t('kekMaterial')}</th><th scope="col">{t('kekConfigured')}</th>
            </tr>
          </thead>
          <tbody>
            {k.versions.map((v) => (
              <tr key={v.version}>
                <th scope="row">v{v.version}</th>
                <td><Badge value={v.state} /></td>
                <td className="nowrap">{formatDate(v.createdAt, lang)}</td>
                <td className={v.version === k.active && k.rotationDue ? 'due' : undefined}>{v.ageDays}</td>
                <td>{v.dataKeys}</td>
                <td>{v.keyMaterial}</td>
                <td>{v.configured ? (v.fingerprintMatches ? t('yes') : <span className="due">{t('kekWrongKey')}</span>) : t('no')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3>{t('lifecycleTitle')}</h3>
      <p className="help"><Rich text={t('lifecycleHelp')} /></p>
      <div className="scroll">
        <table className="grid" data-testid="lifecycle-table">
          <thead>
            <tr>
              <th scope="col">{t('lcCategory')}</th><th scope="col">{t('lcKeep')}</th><th scope="col">{t('lcAfter')}</th>
              <th scope="col">{t('lcAction')}</th><th scope="col">{t('lcCutoff')}</th><th scope="col">{t('lcDue')}</th>
            </tr>
          </thead>
          <tbody>
            {lc.categories.map((c) => (
              <tr key={c.category}>
                <th scope="row">{c.category}</th>
                <td><code>{c.keep}</code></td>
                <td><code>{c.after}</code></td>
                <td>{word(c.action)}</td>
                <td className="nowrap">{formatDate(c.cutoff, lang)}</td>
                <td className={c.due > 0 ? 'due' : undefined}>{c.due}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3>{t('retentionTitle')}</h3>
      {lc.auditRetention.length === 0 ? (
        <p>{t('retentionNone')}</p>
      ) : (
        <table className="grid" data-testid="retention-table">
          <thead><tr><th scope="col">{t('retentionAction')}</th><th scope="col">{t('retentionDays')}</th></tr></thead>
          <tbody>
            {lc.auditRetention.map((r) => <tr key={r.action}><th scope="row"><code>{r.action}</code></th><td>{r.days}</td></tr>)}
          </tbody>
        </table>
      )}
    </section>
  );
}
