/**
 * The audit chain's state on the Audit screen: the last verification, and a new one run on demand
 * with its progress (the run's id is chosen here, so its progress can be read while it runs).
 */
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../api';
import { formatDate } from '../format';
import { useI18n } from '../i18n';
import { useGql } from '../useApi';
import { errorText, gqlFor } from '../api-people';
import { Badge } from './Badge';
import { Rich } from '../Rich';

export interface Verification { id: string; status: string; startedBy: string; startedAt: string; finishedAt: string | null; done: number; total: number; lastSeq: string | null; problemSeq: string | null; problemKind: string | null; problemMessage: string | null }
const FIELDS = 'id status startedBy startedAt finishedAt done total lastSeq problemSeq problemKind problemMessage';
const LAST = `query ConsoleLastVerification { auditVerifications(first: 1) { edges { node { ${FIELDS} } } } }`;
const RUN = `query ConsoleVerify($id: ID) { verifyAuditChain(id: $id) { ${FIELDS} } }`;
const PROGRESS = `query ConsoleVerifyProgress($id: ID!) { auditVerification(id: $id) { ${FIELDS} } }`;

export function ChainStatus({ onAuthLost, onVerified }: { onAuthLost: () => void; onVerified: (v: Verification) => void }) {
  const { t, lang } = useI18n();
  const [reload, setReload] = useState(0);
  const last = useGql<{ auditVerifications: { edges: Array<{ node: Verification }> } }>(LAST, {}, onAuthLost, reload);
  const [running, setRunning] = useState<Verification | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<number | null>(null);
  useEffect(() => () => void (timer.current && clearInterval(timer.current)), []);
  const shown = last.kind === 'ok' ? last.data.auditVerifications.edges[0]?.node ?? null : null;
  useEffect(() => void (shown && onVerified(shown)), [shown, onVerified]);

  const run = async () => {
    const id = crypto.randomUUID();
    setError(null);
    setRunning({ id, status: 'RUNNING', startedBy: '', startedAt: new Date().toISOString(), finishedAt: null, done: 0, total: 0, lastSeq: null, problemSeq: null, problemKind: null, problemMessage: null });
    timer.current = window.setInterval(() => {
      void gqlFor<{ auditVerification: Verification | null }>(PROGRESS, { id }).then((r) => r.auditVerification?.status === 'RUNNING' && setRunning(r.auditVerification), () => {});
    }, 300);
    try {
      await gqlFor(RUN, { id });
      setReload((n) => n + 1);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'UNAUTHENTICATED') return onAuthLost();
      setError(errorText(e));
    } finally {
      if (timer.current) clearInterval(timer.current);
      timer.current = null;
      setRunning(null);
    }
  };

  return (
    <section className="panel" aria-labelledby="chain-h" data-testid="chain-status">
      <h3 id="chain-h">{t('chainStatus')}</h3>
      {last.kind === 'loading' && <p className="help" aria-busy="true">{t('loading')}</p>}
      {last.kind === 'error' && <p role="alert" className="error">{t('error')}: {last.message}</p>}
      {last.kind === 'ok' && !shown && <p>{t('neverVerified')}</p>}
      {shown && !running && (
        <p data-testid="chain-result">
          {t('lastVerification')}: <Badge value={shown.status} testId="chain-badge" /> {formatDate(shown.finishedAt ?? shown.startedAt, lang)} ({shown.startedBy}) —{' '}
          {shown.status === 'OK' && t('chainIntact', { n: String(shown.done), last: shown.lastSeq ?? '—' })}
          {shown.status === 'BROKEN' && <strong data-testid="broken-seq">{t('chainBroken', { seq: shown.problemSeq ?? '?', kind: shown.problemKind ?? '' })}</strong>}
          {shown.status === 'FAILED' && (shown.problemMessage ?? '')}
        </p>
      )}
      {running && (
        <p role="status">
          <label>{t('verifying')} <progress max={Math.max(1, running.total)} value={running.done} /></label> {running.done} / {running.total || '…'}
        </p>
      )}
      {error && <p role="alert" className="error">{error}</p>}
      <button type="button" onClick={() => void run()} disabled={running !== null}>{t('runVerification')}</button>
      <p className="help"><Rich text={t('verifyHelp')} /></p>
    </section>
  );
}
