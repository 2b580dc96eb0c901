import { useState, type FormEvent } from 'react';
import { formatDate, tokyoInputToIso } from '../format';
import { useI18n } from '../i18n';
import { useGql, type ScreenProps } from '../useApi';
import { LoadError } from '../LoadError';
import { Badge } from '../people/Badge';
import { ChainStatus, type Verification } from '../people/ChainStatus';
import { EventDetail } from '../people/EventDetail';
import '../people/people.css';

interface AuditEvent {
  seq: number;
  at: string;
  actorId: string | null;
  claimedActorId: string | null;
  action: string;
  outcome: string;
  resources: string[];
  fields: Array<{ field: string; decision: string; count: number }>;
  requestId: string;
}
interface Page {
  auditEvents: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: AuditEvent }> };
}

const QUERY = `query ConsoleAuditEvents($first: Int, $after: String, $filter: AuditEventFilter) {
  auditEvents(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { seq at actorId claimedActorId action outcome resources fields { field decision count } requestId } }
  }
}`;
const PAGE = 25;

interface Form { actorId: string; action: string; outcome: string; resource: string; after: string; before: string }
const EMPTY: Form = { actorId: '', action: '', outcome: '', resource: '', after: '', before: '' };

function toFilter(f: Form): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['actorId', 'action', 'outcome', 'resource'] as const) if (f[k].trim()) out[k] = f[k].trim();
  const after = tokyoInputToIso(f.after);
  const before = tokyoInputToIso(f.before);
  if (after) out.after = after;
  if (before) out.before = before;
  return out;
}

export function Audit({ onAuthLost }: ScreenProps) {
  const { t, lang } = useI18n();
  const [form, setForm] = useState<Form>(EMPTY);
  const [filter, setFilter] = useState<Record<string, string>>({});
  // Keyset paging: the cursors of the pages before this one, to go back without offsets.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const [alertsOnly, setAlertsOnly] = useState(false);
  const [detail, setDetail] = useState<number | null>(null);
  const [verified, setVerified] = useState<Verification | null>(null);
  // Alerts are events of their own (outcome `alert`): the same list, filtered.
  const shownFilter = alertsOnly ? { ...filter, outcome: 'alert' } : filter;
  const [reload, setReload] = useState(0);
  const loaded = useGql<Page>(QUERY, { first: PAGE, after, filter: shownFilter }, onAuthLost, reload);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilter(toFilter(form));
    setCursors([null]);
  };
  const input = (k: keyof Form, label: string, type = 'text') => (
    <label key={k}>{label} <input type={type} lang={lang} name={k} value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.value })} /></label>
  );
  return (
    <section aria-labelledby="audit-h">
      <h2 id="audit-h">{t('audit')}</h2>
      <ChainStatus onAuthLost={onAuthLost} onVerified={setVerified} />
      {detail !== null && <EventDetail key={detail} seq={detail} verified={verified} onAuthLost={onAuthLost} onClose={() => setDetail(null)} />}
      <form className="filters" onSubmit={apply} aria-label={t('filters')}>
        {input('actorId', t('actor'))}
        {input('action', t('action'))}
        {input('outcome', t('outcome'))}
        {input('resource', t('resource'))}
        {input('after', t('from'), 'datetime-local')}
        {input('before', t('to'), 'datetime-local')}
        <label className="inline"><input type="checkbox" name="alertsOnly" checked={alertsOnly} onChange={(e) => (setAlertsOnly(e.target.checked), setCursors([null]))} /> {t('alertsOnly')}</label>
        <button type="submit">{t('apply')}</button>
        <button type="button" onClick={() => (setForm(EMPTY), setFilter({}), setCursors([null]))}>{t('clear')}</button>
      </form>
      {loaded.kind === 'loading' && <p role="status">{t('loading')}</p>}
      {loaded.kind === 'error' && <LoadError message={loaded.message} onRetry={() => setReload((n) => n + 1)} />}
      {loaded.kind === 'ok' && (
        <>
          {loaded.data.auditEvents.edges.length === 0 && <p className="notice">{alertsOnly ? t('noAlerts') : t('noEvents')}</p>}
          <p role="status" data-testid="audit-total">{loaded.data.auditEvents.totalCount} {t('total')}</p>
          <div className="scroll" tabIndex={0} role="region" aria-label={t('audit')}>
            <table className="grid" data-testid="audit-table">
              <thead>
                <tr>{[t('seq'), t('at'), t('actor'), t('action'), t('outcome'), t('resources'), t('fields'), t('requestId')].map((h) => <th scope="col" key={h}>{h}</th>)}</tr>
              </thead>
              <tbody>
                {loaded.data.auditEvents.edges.map(({ node: e }) => (
                  <tr key={e.seq}>
                    <td><button type="button" className="linkish" aria-label={t('showEvent', { seq: String(e.seq) })} onClick={() => setDetail(e.seq)}>{e.seq}</button></td>
                    <td className="nowrap">{formatDate(e.at, lang)}</td>
                    <td>{e.actorId ?? (e.claimedActorId ? `(${e.claimedActorId}?)` : '—')}</td>
                    <td><code>{e.action}</code></td>
                    <td><Badge value={e.outcome} /></td>
                    <td className="wrap">{e.resources.join(' ')}</td>
                    <td className="wrap">{e.fields.map((f) => `${f.field} ${f.decision}×${f.count}`).join(', ')}</td>
                    <td><code className="small">{e.requestId.slice(0, 8)}</code></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="pager">
            <button type="button" disabled={cursors.length < 2} onClick={() => setCursors([null])}>{t('first')}</button>
            <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>{t('prev')}</button>
            <button type="button" disabled={!loaded.data.auditEvents.pageInfo.hasNextPage} onClick={() => setCursors([...cursors, loaded.data.auditEvents.pageInfo.endCursor])}>{t('next')}</button>
          </div>
        </>
      )}
    </section>
  );
}
