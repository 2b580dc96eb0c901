/**
 * Data subjects (the DPO): find a customer by e-mail or phone (the API's blind index), see what is
 * held, export it, restrict or lift a restriction of its use, erase it; consents and third-party
 * provision records. Every request declares the purpose `compliance`, which the DPO's rules require
 * for personal data; the API decides and records each one.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n';
import type { ScreenProps } from '../useApi';
import { gqlAnswer } from '../api-people';
import { ApiError } from '../api';
import { OpenRestrictions } from '../people/OpenRestrictions';
import { SubjectDetail } from '../people/SubjectDetail';
import '../people/people.css';

export const COMPLIANCE = 'compliance';

interface Hit { id: string; name: string | null; email: string | null; phone: string | null; prefecture: string | null }
const FIND = `query ConsoleFindSubject($filter: CustomerFilter) { customers(filter: $filter, first: 10) { edges { node { id name email phone prefecture } } } }`;

export function Subjects({ onAuthLost }: ScreenProps) {
  const { t } = useI18n();
  const [by, setBy] = useState<'email' | 'phone'>('email');
  const [value, setValue] = useState('');
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  // A restriction may be lifted on the customer just shown: the list is read again on each change.
  const [shown, setShown] = useState(0);
  useEffect(() => setShown((n) => n + 1), [selected]);

  const find = async (e: FormEvent) => {
    e.preventDefault();
    if (!value.trim()) return;
    setBusy(true);
    setError(null);
    setSelected(null);
    try {
      const answer = await gqlAnswer<{ customers: { edges: Array<{ node: Hit }> } }>(FIND, { filter: { [by]: value.trim() } }, COMPLIANCE);
      if (answer.errors.length && !answer.data?.customers) throw new Error(answer.errors[0]!.message);
      const found = answer.data?.customers.edges.map((x) => x.node) ?? [];
      setHits(found);
      if (found.length === 1) setSelected(found[0]!.id);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') return onAuthLost();
      setError(err instanceof Error ? err.message : String(err));
      setHits(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="subjects-h">
      <h2 id="subjects-h">{t('subjects')}</h2>
      <p className="help">{t('subjectsHelp')}</p>
      <form className="filters" onSubmit={(e) => void find(e)} aria-label={t('findCustomer')} data-testid="subject-search">
        <label>{t('searchBy')}
          <select name="by" value={by} onChange={(e) => setBy(e.target.value as 'email' | 'phone')}>
            <option value="email">{t('email')}</option>
            <option value="phone">{t('phone')}</option>
          </select>
        </label>
        <label>{t('exactValue')} <input name="value" type={by === 'email' ? 'email' : 'tel'} required value={value} onChange={(e) => setValue(e.target.value)} /></label>
        <button type="submit" className="primary" disabled={busy}>{t('find')}</button>
      </form>
      {busy && <p role="status">{t('loading')}</p>}
      {error && <p role="alert" className="error">{t('error')}: {error}</p>}
      {hits && hits.length === 0 && <p className="notice" role="status">{t('noCustomer')}</p>}
      {hits && hits.length > 1 && (
        <ul data-testid="subject-hits">
          {hits.map((h) => <li key={h.id}><button type="button" className="linkish" onClick={() => setSelected(h.id)}>{h.name ?? h.id} ({h.email ?? h.phone})</button></li>)}
        </ul>
      )}
      {selected && <SubjectDetail key={selected} customerId={selected} onAuthLost={onAuthLost} />}
      <OpenRestrictions purpose={COMPLIANCE} reload={shown} onOpen={(id) => (setHits(null), setSelected(id))} onAuthLost={onAuthLost} />
    </section>
  );
}
