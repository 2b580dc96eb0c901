/** One data subject for the DPO: what is held, consents, restrictions, provision records, and the acts on them. */
import { Fragment, useEffect, useState } from 'react';
import { ApiError } from '../api';
import { formatDate } from '../format';
import { useI18n } from '../i18n';
import { download, errorText, gqlAnswer, gqlFor, type GqlAnswer } from '../api-people';
import { Badge } from './Badge';
import { ReasonDialog } from './ReasonDialog';

const COMPLIANCE = 'compliance';
// Every purpose a restriction may name (compliance cannot be restricted: the DPO must still disclose and erase).
const RESTRICTABLE = ['support', 'analytics', 'marketing', 'transfer_abroad', 'third_party'];

interface Customer {
  id: string; customerKey: string; name: string | null; nameKana: string | null; email: string | null; phone: string | null; address: string | null;
  prefecture: string | null; birthDate: string | null; segment: string | null; teamId: string | null; createdAt: string;
  consents: Array<{ purpose: string; grantedAt: string; withdrawnAt: string | null; source: string | null }>;
  purchases: Array<{ id: string }> | null;
  feedback: { totalCount: number };
}
interface Provision { id: string; providedAt: string; recipientName: string; recipientCountry: string; purpose: string; dataItems: string[]; keepUntil: string }
interface Loaded { customer: Customer | null; useRestriction: { purposes: string[] } | null; provisionRecords: { totalCount: number; edges: Array<{ node: Provision }> } }

const QUERY = `query ConsoleSubject($id: ID!) {
  customer(id: $id) {
    id customerKey name nameKana email phone address prefecture birthDate segment teamId createdAt
    consents { purpose grantedAt withdrawnAt source }
    purchases { id }
    feedback(first: 1) { totalCount }
  }
  useRestriction(customerId: $id) { purposes }
  provisionRecords(filter: { customerId: $id }, first: 20) { totalCount edges { node { id providedAt recipientName recipientCountry purpose dataItems keepUntil } } }
}`;
const EXPORT = `query ConsoleSubjectExport($id: ID!) { subjectExport(customerId: $id) }`;
const RESTRICT = `mutation ConsoleRestrict($id: ID!, $purposes: [String!]!, $reason: String!) { restrictUse(customerId: $id, purposes: $purposes, reason: $reason) { purposes } }`;
const LIFT = `mutation ConsoleLift($id: ID!, $purposes: [String!]!, $reason: String!) { liftRestriction(customerId: $id, purposes: $purposes, reason: $reason) { purposes } }`;
const ERASE = `mutation ConsoleErase($id: ID!, $reason: String!) { requestErasure(customerId: $id, reason: $reason) { customerId erasedAt } }`;

type Act = { kind: 'restrict' | 'lift'; purposes: string[] } | { kind: 'erase' };

export function SubjectDetail({ customerId, onAuthLost }: { customerId: string; onAuthLost: () => void }) {
  const { t, lang } = useI18n();
  const [answer, setAnswer] = useState<GqlAnswer<Loaded> | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, setPending] = useState<Act | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);

  useEffect(() => {
    let live = true;
    gqlAnswer<Loaded>(QUERY, { id: customerId }, COMPLIANCE).then(
      (a) => live && (setAnswer(a), setLoadError(null)),
      (e: unknown) => {
        if (!live) return;
        if (e instanceof ApiError && e.code === 'UNAUTHENTICATED') onAuthLost();
        else setLoadError(errorText(e));
      },
    );
    return () => void (live = false);
  }, [customerId, reload, onAuthLost]);

  const act = async (a: Act, reason: string) => {
    setPending(null);
    try {
      if (a.kind === 'erase') await gqlFor(ERASE, { id: customerId, reason }, COMPLIANCE);
      else await gqlFor(a.kind === 'restrict' ? RESTRICT : LIFT, { id: customerId, purposes: a.purposes, reason }, COMPLIANCE);
      setMessage({ ok: true, text: a.kind === 'erase' ? t('erasedDone') : t('done') });
      setChosen([]);
      setReload((n) => n + 1);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'UNAUTHENTICATED') return onAuthLost();
      setMessage({ ok: false, text: errorText(e) });
    }
  };
  const exportJson = async () => {
    try {
      const { subjectExport } = await gqlFor<{ subjectExport: string }>(EXPORT, { id: customerId }, COMPLIANCE);
      download(`subject-${customerId}.json`, subjectExport, 'application/json');
      setMessage({ ok: true, text: t('exported') });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'UNAUTHENTICATED') return onAuthLost();
      setMessage({ ok: false, text: errorText(e) });
    }
  };

  if (loadError) return <p role="alert" className="error">{t('error')}: {loadError}</p>;
  if (!answer) return <p role="status">{t('loading')}</p>;
  const c = answer.data?.customer ?? null;
  if (!c) return <p className="notice">{t('noCustomer')}</p>;
  const erased = answer.errors.some((e) => e.extensions?.code === 'DATA_ERASED');
  const restricted = answer.data?.useRestriction?.purposes ?? [];
  const provisions = answer.data?.provisionRecords.edges.map((e) => e.node) ?? [];
  const held: Array<[string, string | null]> = [
    [t('custName'), c.name], [t('custKana'), c.nameKana], [t('email'), c.email], [t('phone'), c.phone], [t('address'), c.address],
    [t('prefecture'), c.prefecture], [t('birthDate'), c.birthDate], [t('segment'), c.segment], [t('team'), c.teamId],
  ];

  return (
    <section className="panel" aria-labelledby="subject-h" data-testid="subject-detail">
      <h3 id="subject-h">{t('customer')} <code>{c.id}</code> {erased ? <Badge value="erased" testId="subject-state" /> : <Badge value="held" testId="subject-state" />}</h3>
      {message && <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'notice' : 'error'}>{message.text}</p>}
      <dl className="facts" data-testid="subject-held">
        {held.map(([k, v]) => <Fragment key={k}><dt>{k}</dt><dd>{v ?? (erased ? t('erasedValue') : '—')}</dd></Fragment>)}
        <dt>{t('customerKey')}</dt><dd><code>{c.customerKey}</code></dd>
        <dt>{t('created')}</dt><dd>{formatDate(c.createdAt, lang)}</dd>
        <dt>{t('purchases')}</dt><dd>{c.purchases?.length ?? 0}</dd>
        <dt>{t('feedbackCount')}</dt><dd>{c.feedback.totalCount}</dd>
      </dl>
      <div className="row">
        <button type="button" onClick={() => void exportJson()} disabled={erased}>{t('exportJson')}</button>
        <button type="button" className="danger" onClick={() => setPending({ kind: 'erase' })} disabled={erased}>{t('erase')}</button>
      </div>

      <h4>{t('consentHistory')}</h4>
      {c.consents.length === 0 ? <p>{t('none')}</p> : (
        <table className="grid" data-testid="consents">
          <thead><tr>{[t('purposeCol'), t('granted'), t('withdrawn'), t('source')].map((h) => <th scope="col" key={h}>{h}</th>)}</tr></thead>
          <tbody>{c.consents.map((x, i) => <tr key={i}><td>{x.purpose}</td><td className="nowrap">{formatDate(x.grantedAt, lang)}</td><td className="nowrap">{x.withdrawnAt ? formatDate(x.withdrawnAt, lang) : <Badge value="granted" />}</td><td>{x.source ?? '—'}</td></tr>)}</tbody>
        </table>
      )}

      <h4>{t('restrictions')}</h4>
      {restricted.length === 0 ? <p data-testid="restrictions">{t('noRestriction')}</p> : (
        <ul data-testid="restrictions">
          {restricted.map((p) => (
            <li key={p}><Badge value="restricted" /> {p} <button type="button" onClick={() => setPending({ kind: 'lift', purposes: [p] })}>{t('lift', { purpose: p })}</button></li>
          ))}
        </ul>
      )}
      {!erased && (
        <fieldset className="row">
          <legend>{t('restrictUse')}</legend>
          {RESTRICTABLE.filter((p) => !restricted.includes(p)).map((p) => (
            <label key={p} className="inline"><input type="checkbox" checked={chosen.includes(p)} onChange={(e) => setChosen(e.target.checked ? [...chosen, p] : chosen.filter((x) => x !== p))} /> {p}</label>
          ))}
          <button type="button" disabled={chosen.length === 0} onClick={() => setPending({ kind: 'restrict', purposes: chosen })}>{t('restrict')}</button>
        </fieldset>
      )}

      <h4>{t('provisionRecords')}</h4>
      {provisions.length === 0 ? <p>{t('none')}</p> : (
        <table className="grid" data-testid="provisions">
          <thead><tr>{[t('providedAt'), t('recipient'), t('purposeCol'), t('dataItems'), t('keepUntil')].map((h) => <th scope="col" key={h}>{h}</th>)}</tr></thead>
          <tbody>{provisions.map((p) => <tr key={p.id}><td className="nowrap">{formatDate(p.providedAt, lang)}</td><td>{p.recipientName} ({p.recipientCountry})</td><td>{p.purpose}</td><td>{p.dataItems.join(', ')}</td><td className="nowrap">{formatDate(p.keepUntil, lang)}</td></tr>)}</tbody>
        </table>
      )}

      {pending?.kind === 'erase' && (
        <ReasonDialog message={t('confirmErase', { id: c.id })} typed={c.id.slice(0, 8)} onConfirm={(r) => void act(pending, r)} onCancel={() => setPending(null)} />
      )}
      {pending && pending.kind !== 'erase' && (
        <ReasonDialog message={t(pending.kind === 'restrict' ? 'confirmRestrict' : 'confirmLift', { purposes: pending.purposes.join(', '), id: c.id })} onConfirm={(r) => void act(pending, r)} onCancel={() => setPending(null)} />
      )}
    </section>
  );
}
