import { useCallback, useEffect, useState } from 'react';
import { formatDate } from '../../../console/src/format';
import { DashboardInboxDocument, type DashboardInboxQuery } from '../generated/graphql';
import { useI18n } from './i18n';
import { formatNumber } from './numbers';
import { request, RequestError } from './request';
import { describe } from './useQuery';

const PAGE = 20;

type Node = DashboardInboxQuery['feedbacks']['edges'][number]['node'];
/** A node with the names of its values the role may not read (null at a FORBIDDEN path). */
type Item = Node & { hidden: Set<string> };
type Page = { items: Item[]; total: number; next: string | null };
type Status = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ok' };

export function Inbox({ credential, receivedAfter, onAuthLost }: { credential: string; receivedAfter: string; onAuthLost: (message: string) => void }) {
  const { t, lang } = useI18n();
  const [page, setPage] = useState<Page>({ items: [], total: 0, next: null });
  const [status, setStatus] = useState<Status>({ kind: 'loading' });

  const load = useCallback(
    async (after: string | null, live: () => boolean = () => true) => {
      setStatus({ kind: 'loading' });
      try {
        const { data, hidden } = await request(credential, DashboardInboxDocument, { first: PAGE, after, receivedAfter });
        if (!live()) return;
        const items = data.feedbacks.edges.map(({ node }, i) => {
          const at = `feedbacks.edges.${i}.node.`;
          const mine = new Set([...hidden].filter((p) => p.startsWith(at)).map((p) => p.slice(at.length)));
          return { ...node, hidden: mine };
        });
        setPage((prev) => ({ items: after ? [...prev.items, ...items] : items, total: data.feedbacks.totalCount, next: data.feedbacks.pageInfo.hasNextPage ? data.feedbacks.pageInfo.endCursor : null }));
        setStatus({ kind: 'ok' });
      } catch (e) {
        if (!live()) return;
        if (e instanceof RequestError && e.status === 401) onAuthLost(describe(e, t));
        else setStatus({ kind: 'error', message: describe(e, t) });
      }
    },
    [credential, receivedAfter, onAuthLost, t],
  );

  useEffect(() => {
    let live = true;
    void load(null, () => live);
    return () => {
      live = false;
    };
  }, [load]);

  const value = (item: Item, path: string, v: string | null | undefined) =>
    item.hidden.has(path) ? <span className="badge denied">{t('hidden')}</span> : (v ?? '—');

  return (
    <>
      <p className="help">{t('inboxHelp')}</p>
      {status.kind === 'ok' && page.items.length === 0 && <p className="muted">{t('inboxEmpty')}</p>}
      {page.items.length > 0 && (
        <>
          <p className="muted" data-testid="inbox-total">{t('inboxTotal', { n: formatNumber(page.total, lang) })}</p>
          <div className="scroll" role="region" aria-labelledby="inbox-title" tabIndex={0}>
            <table className="grid inbox" data-testid="inbox-table">
              <caption className="sr-only">{t('inboxTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('received')}</th>
                  <th scope="col">{t('team')}</th>
                  <th scope="col">{t('channel')}</th>
                  <th scope="col">{t('rating')}</th>
                  <th scope="col">{t('subject')}</th>
                  <th scope="col">{t('customer')}</th>
                  <th scope="col">{t('email')}</th>
                  <th scope="col">{t('phone')}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((f) => (
                  <tr key={f.id} data-feedback={f.id} data-customer={f.customer?.id ?? ''}>
                    <td className="nowrap">{formatDate(f.receivedAt, lang)}</td>
                    <td className="nowrap">{f.teamId ?? '—'}</td>
                    <td className="nowrap">{t(f.channel)}</td>
                    <td className="num">{f.rating ?? '—'}</td>
                    <td className="wrap">{value(f, 'subject', f.subject)}</td>
                    {f.customer ? (
                      <>
                        <td className="wrap">{value(f, 'customer.name', f.customer.name)}</td>
                        <td className="wrap">{value(f, 'customer.email', f.customer.email)}</td>
                        <td className="nowrap">{value(f, 'customer.phone', f.customer.phone)}</td>
                      </>
                    ) : (
                      <td colSpan={3} className="muted">{t('anonymous')}</td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {status.kind === 'loading' && <p role="status" className="muted">{t('loading')}</p>}
      {status.kind === 'error' && (
        <div className="error" role="alert">
          <p>{status.message}</p>
          <button type="button" onClick={() => void load(page.items.length > 0 ? page.next : null)}>{t('retry')}</button>
        </div>
      )}
      {status.kind === 'ok' && page.next && (
        <button type="button" className="more" onClick={() => void load(page.next)}>{t('more')}</button>
      )}
    </>
  );
}
