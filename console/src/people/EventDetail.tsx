/** One audit event in full: decisions per field with counts, records, policy version, its place in the chain. */
import { formatDate } from '../format';
import { useI18n } from '../i18n';
import { useGql } from '../useApi';
import { Badge } from './Badge';
import type { Verification } from './ChainStatus';

interface Event {
  seq: number; at: string; actorId: string | null; claimedActorId: string | null; roles: string[]; action: string; outcome: string; operationName: string | null;
  purpose: string | null; subgraph: string | null; resources: string[]; fields: Array<{ field: string; decision: string; count: number }>;
  policyVersion: string; requestId: string; prevHash: string; hash: string;
}
const QUERY = `query ConsoleAuditEvent($seq: Int!) { auditEvent(seq: $seq) {
  seq at actorId claimedActorId roles action outcome operationName purpose subgraph resources fields { field decision count } policyVersion requestId prevHash hash
} }`;

export function EventDetail({ seq, verified, onAuthLost, onClose }: { seq: number; verified: Verification | null; onAuthLost: () => void; onClose: () => void }) {
  const { t, lang } = useI18n();
  const loaded = useGql<{ auditEvent: Event | null }>(QUERY, { seq }, onAuthLost);
  const e = loaded.kind === 'ok' ? loaded.data.auditEvent : null;
  const inRun = verified && verified.status === 'OK' && verified.lastSeq !== null && seq <= Number(verified.lastSeq);
  return (
    <section className="panel" aria-labelledby="event-h" data-testid="event-detail">
      <h3 id="event-h">{t('eventDetail', { seq: String(seq) })}</h3>
      {loaded.kind === 'loading' && <p className="help" aria-busy="true">{t('loading')}</p>}
      {loaded.kind === 'error' && <p role="alert" className="error">{t('error')}: {loaded.message}</p>}
      {loaded.kind === 'ok' && !e && <p>{t('noEvent')}</p>}
      {e && (
        <>
          <dl className="facts">
            <dt>{t('at')}</dt><dd>{formatDate(e.at, lang)}</dd>
            <dt>{t('actor')}</dt><dd>{e.actorId ?? (e.claimedActorId ? `(${e.claimedActorId}?)` : '—')} {e.roles.length > 0 && `(${e.roles.join(', ')})`}</dd>
            <dt>{t('action')}</dt><dd><code>{e.action}</code> {e.operationName && <code>{e.operationName}</code>}</dd>
            <dt>{t('outcome')}</dt><dd><Badge value={e.outcome} /></dd>
            <dt>{t('purpose')}</dt><dd>{e.purpose ?? t('none')}</dd>
            <dt>{t('subgraph')}</dt><dd>{e.subgraph ?? '—'}</dd>
            <dt>{t('resources')}</dt><dd className="wrap">{e.resources.join(' ') || t('none')}</dd>
            <dt>{t('policyVersion')}</dt><dd><code>{e.policyVersion}</code></dd>
            <dt>{t('requestId')}</dt><dd><code>{e.requestId}</code></dd>
            <dt>{t('chainPosition')}</dt>
            <dd>
              {t('seq')} {e.seq}; {t('prevHash')} <code className="small">{e.prevHash.slice(0, 16)}…</code>; {t('hash')} <code className="small">{e.hash.slice(0, 16)}…</code>
              {' '}{inRun ? <Badge value="verified" /> : <Badge value="unverified" />}
            </dd>
          </dl>
          <h4>{t('fields')}</h4>
          {e.fields.length === 0 ? <p>{t('none')}</p> : (
            <table className="grid" data-testid="event-fields">
              <thead><tr><th scope="col">{t('field')}</th><th scope="col">{t('decision')}</th><th scope="col">{t('count')}</th></tr></thead>
              <tbody>{e.fields.map((f) => <tr key={`${f.field}-${f.decision}`}><td><code>{f.field}</code></td><td><Badge value={f.decision} /></td><td>{f.count}</td></tr>)}</tbody>
            </table>
          )}
        </>
      )}
      <button type="button" onClick={onClose}>{t('close')}</button>
    </section>
  );
}
