/**
 * The periodic access review on the Access screen: start one (admins), decide keep / revoke a role
 * / disable for each flagged principal, sign off (which applies the decisions, each an audited
 * change), and download a signed-off review as CSV (auditors too).
 */
import { useState } from 'react';
import { ApiError } from '../api';
import { formatDate } from '../format';
import { useI18n } from '../i18n';
import { useGql } from '../useApi';
import { download, errorText, gqlFor, useKept } from '../api-people';
import { Badge } from './Badge';
import { ReasonDialog } from './ReasonDialog';
import { UnusedNote, type Unused } from './UnusedNote';

interface Review { id: string; status: string; startedBy: string; startedAt: string; reason: string | null; signedOffBy: string | null; signedOffAt: string | null; items: number; decided: number }
interface Item { principalId: string; displayName: string; roles: string[]; flags: string[]; unusedPermissions: Unused | null; decision: string | null; decidedBy: string | null }
interface Reviews { periodicReviews: { edges: Array<{ node: Review }> } }
interface Items { periodicReviewItems: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: Item }> } }

const REVIEWS = `query ConsoleReviews { periodicReviews(first: 5) { edges { node { id status startedBy startedAt reason signedOffBy signedOffAt items decided } } } }`;
const ITEMS = `query ConsoleReviewItems($id: ID!, $after: String) {
  periodicReviewItems(reviewId: $id, first: 25, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { principalId displayName roles flags unusedPermissions { days plainFields { field readMasked } roles { role } } decision decidedBy } } }
}`;
const START = `mutation ConsoleStartReview($reason: String!) { startPeriodicReview(reason: $reason) { id } }`;
const DECIDE = `mutation ConsoleDecide($id: ID!, $p: ID!, $action: String!, $reason: String) { decidePeriodicReview(reviewId: $id, principalId: $p, action: $action, reason: $reason) { principalId decision } }`;
const SIGN = `mutation ConsoleSignOff($id: ID!) { signOffPeriodicReview(reviewId: $id) { id status } }`;
const CSV = `query ConsoleReviewCsv($id: ID!) { periodicReview(id: $id) { csv } }`;

export function PeriodicReviewSection({ admin, onAuthLost, onApplied }: { admin: boolean; onAuthLost: () => void; onApplied: () => void }) {
  const { t, lang } = useI18n();
  const [reload, setReload] = useState(0);
  const reviews = useGql<Reviews>(REVIEWS, {}, onAuthLost, reload);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [confirm, setConfirm] = useState<'start' | 'sign' | null>(null);
  const kept = useKept<Reviews>(reviews);
  const list = kept ? kept.periodicReviews.edges.map((e) => e.node) : [];
  const open = list.find((r) => r.status === 'OPEN') ?? null;

  const act = async (f: () => Promise<unknown>) => {
    setConfirm(null);
    try {
      await f();
      setMessage({ ok: true, text: t('done') });
      setReload((n) => n + 1);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'UNAUTHENTICATED') return onAuthLost();
      setMessage({ ok: false, text: errorText(e) });
    }
  };
  const csv = (r: Review) => act(async () => download(`access-review-${r.startedAt.slice(0, 10)}-${r.id.slice(0, 8)}.csv`, (await gqlFor<{ periodicReview: { csv: string } }>(CSV, { id: r.id })).periodicReview.csv, 'text/csv'));

  return (
    <section className="panel" aria-labelledby="review-h" data-testid="periodic-review">
      <h3 id="review-h">{t('periodicReview')}</h3>
      <p className="help">{t('reviewHelp')}</p>
      {admin && !open && <button type="button" className="primary" onClick={() => setConfirm('start')}>{t('startReview')}</button>}
      {message && <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'notice' : 'error'}>{message.text}</p>}
      {reviews.kind === 'loading' && !kept && <p className="help" aria-busy="true">{t('loading')}</p>}
      {reviews.kind === 'error' && <p role="alert" className="error">{t('error')}: {reviews.message}</p>}
      {kept && list.length === 0 && <p>{t('noReviews')}</p>}
      {open && <OpenReview review={open} admin={admin} reload={reload} onAuthLost={onAuthLost} onDecided={() => setReload((n) => n + 1)} onSignOff={() => setConfirm('sign')} />}
      {list.length > 0 && (
        <table className="grid" data-testid="reviews-table">
          <caption className="skip">{t('periodicReview')}</caption>
          <thead><tr>{[t('startedAt'), t('startedBy'), t('reasonShort'), t('status'), t('decidedCount'), t('signedOff'), t('download')].map((h) => <th scope="col" key={h}>{h}</th>)}</tr></thead>
          <tbody>
            {list.map((r) => (
              <tr key={r.id}>
                <td className="nowrap">{formatDate(r.startedAt, lang)}</td>
                <td>{r.startedBy}</td>
                <td>{r.reason ?? '—'}</td>
                <td><Badge value={r.status} /></td>
                <td>{r.decided} / {r.items}</td>
                <td className="nowrap">{r.signedOffBy ? `${r.signedOffBy} ${formatDate(r.signedOffAt, lang)}` : '—'}</td>
                <td>{r.status === 'SIGNED_OFF' && <button type="button" onClick={() => void csv(r)}>{t('downloadCsv')}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {confirm === 'start' && <ReasonDialog message={t('confirmStartReview')} onConfirm={(reason) => void act(() => gqlFor(START, { reason }))} onCancel={() => setConfirm(null)} />}
      {confirm === 'sign' && open && (
        <ReasonDialog
          noReason
          message={t('confirmSignOff', { n: String(open.items) })}
          onConfirm={() => void act(async () => (await gqlFor(SIGN, { id: open.id }), onApplied()))}
          onCancel={() => setConfirm(null)}
        />
      )}
    </section>
  );
}

function OpenReview({ review, admin, reload, onAuthLost, onDecided, onSignOff }: { review: Review; admin: boolean; reload: number; onAuthLost: () => void; onDecided: () => void; onSignOff: () => void }) {
  const { t } = useI18n();
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const loadedItems = useGql<Items>(ITEMS, { id: review.id, after: cursors[cursors.length - 1] ?? null }, onAuthLost, reload);
  const items = useKept<Items>(loadedItems);
  const [choice, setChoice] = useState<Record<string, string>>({});
  const [reason, setReason] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const decide = async (i: Item) => {
    try {
      setError(null);
      await gqlFor(DECIDE, { id: review.id, p: i.principalId, action: choice[i.principalId] ?? i.decision ?? 'keep', reason: reason[i.principalId] || null });
      onDecided();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'UNAUTHENTICATED') return onAuthLost();
      setError(errorText(e));
    }
  };
  return (
    <div data-testid="open-review">
      <p role="status">{t('reviewProgress', { decided: String(review.decided), n: String(review.items) })}</p>
      {error && <p role="alert" className="error">{error}</p>}
      {loadedItems.kind === 'loading' && !items && <p className="help" aria-busy="true">{t('loading')}</p>}
      {loadedItems.kind === 'error' && <p role="alert" className="error">{t('error')}: {loadedItems.message}</p>}
      {items && (
        <table className="grid" data-testid="review-items">
          <thead><tr>{[t('principal'), t('roles'), t('reviewFlags'), t('decisionCol'), t('reasonShort'), ''].map((h, i) => <th scope="col" key={i}>{h || <span className="skip">{t('actions')}</span>}</th>)}</tr></thead>
          <tbody>
            {items.periodicReviewItems.edges.map(({ node: i }) => (
              <tr key={i.principalId} data-principal={i.principalId}>
                <td><code>{i.principalId}</code> {i.displayName}</td>
                <td>{i.roles.join(', ') || '—'}</td>
                <td>
                  <div className="flags">{i.flags.map((f) => <Badge key={f} value={f} />)}</div>
                  {i.unusedPermissions && <UnusedNote u={i.unusedPermissions} />}
                </td>
                <td>
                  {admin ? (
                    <select aria-label={`${t('decisionCol')} ${i.principalId}`} value={choice[i.principalId] ?? i.decision ?? 'keep'} onChange={(e) => setChoice({ ...choice, [i.principalId]: e.target.value })}>
                      <option value="keep">{t('keep')}</option>
                      {i.roles.map((r) => <option key={r} value={`revoke:${r}`}>{t('revokeRoleOption', { role: r })}</option>)}
                      <option value="disable">{t('disable')}</option>
                    </select>
                  ) : (i.decision ?? '—')}
                  {i.decision && <> <Badge value="decided" /></>}
                </td>
                <td>{admin ? <input aria-label={`${t('reasonShort')} ${i.principalId}`} value={reason[i.principalId] ?? ''} onChange={(e) => setReason({ ...reason, [i.principalId]: e.target.value })} /> : ''}</td>
                <td>{admin && <button type="button" onClick={() => void decide(i)}>{t('recordDecision')}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {items && (cursors.length > 1 || items.periodicReviewItems.pageInfo.hasNextPage) && (
        <div className="pager">
          <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>{t('prev')}</button>
          <button type="button" disabled={!items.periodicReviewItems.pageInfo.hasNextPage} onClick={() => setCursors([...cursors, items.periodicReviewItems.pageInfo.endCursor])}>{t('next')}</button>
        </div>
      )}
      {admin && <button type="button" className="primary" disabled={review.decided < review.items} onClick={onSignOff}>{t('signOff')}</button>}
    </div>
  );
}
