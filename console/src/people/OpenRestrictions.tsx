/**
 * The data-subject requests still open: customers under a use restriction (APPI Art. 35), newest
 * first, a page at a time (`useRestrictions`). Disclosure and erasure complete when made, so they
 * never wait here. Opening one shows the customer, where the restriction is lifted.
 */
import { useState } from 'react';
import { formatDate } from '../format';
import { useI18n } from '../i18n';
import { useGql } from '../useApi';
import { useKept } from '../api-people';

interface Restricted { customerId: string; purposes: string[]; restrictedAt: string }
interface Page { useRestrictions: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: Restricted }> } }

const LIST = `query ConsoleRestrictions($after: String) {
  useRestrictions(first: 10, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { customerId purposes restrictedAt } } }
}`;

export function OpenRestrictions({ purpose, reload, onOpen, onAuthLost }: { purpose: string; reload: number; onOpen: (id: string) => void; onAuthLost: () => void }) {
  const { t, lang } = useI18n();
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const loaded = useGql<Page>(LIST, { after: cursors[cursors.length - 1] ?? null }, onAuthLost, reload, purpose);
  const kept = useKept<Page>(loaded);
  const page = kept?.useRestrictions;
  return (
    <section className="panel" aria-labelledby="restrictions-h" data-testid="open-restrictions">
      <h3 id="restrictions-h">{t('openRestrictions')}{page ? ` (${page.totalCount})` : ''}</h3>
      <p className="help">{t('openRestrictionsHelp')}</p>
      {loaded.kind === 'loading' && !kept && <p className="help" aria-busy="true">{t('loading')}</p>}
      {loaded.kind === 'error' && <p role="alert" className="error">{t('error')}: {loaded.message}</p>}
      {page && page.edges.length === 0 && <p>{t('noRestrictions')}</p>}
      {page && page.edges.length > 0 && (
        <table className="grid">
          <caption className="skip">{t('openRestrictions')}</caption>
          <thead><tr>{[t('customer'), t('restrictedPurposes'), t('since'), ''].map((h, i) => <th scope="col" key={i}>{h || <span className="skip">{t('actions')}</span>}</th>)}</tr></thead>
          <tbody>
            {page.edges.map(({ node: r }) => (
              <tr key={r.customerId} data-customer={r.customerId}>
                <td><code>{r.customerId}</code></td>
                <td>{r.purposes.join(', ')}</td>
                <td className="nowrap">{formatDate(r.restrictedAt, lang)}</td>
                <td><button type="button" aria-label={`${t('open')}: ${r.customerId}`} onClick={() => onOpen(r.customerId)}>{t('open')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page && (cursors.length > 1 || page.pageInfo.hasNextPage) && (
        <div className="pager">
          <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>{t('prev')}</button>
          <button type="button" disabled={!page.pageInfo.hasNextPage} onClick={() => setCursors([...cursors, page.pageInfo.endCursor])}>{t('next')}</button>
        </div>
      )}
    </section>
  );
}
