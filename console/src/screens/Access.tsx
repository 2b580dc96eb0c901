import { useState, type FormEvent } from 'react';
import { ApiError, gql } from '../api';
import { formatDate } from '../format';
import { useI18n } from '../i18n';
import { canChangeAccess } from '../screens';
import { useGql, type ScreenProps } from '../useApi';
import { LoadError } from '../LoadError';
import { Badge } from '../people/Badge';
import { PrincipalPanel } from '../people/PrincipalPanel';
import { PeriodicReviewSection } from '../people/PeriodicReview';
import { ReasonDialog } from '../people/ReasonDialog';
import { UnusedNote, type Unused } from '../people/UnusedNote';
import { useKept } from '../api-people';
import '../people/people.css';
import { Rich } from '../Rich';

export interface ReviewRow { id: string; displayName: string; roles: string[]; teamId: string | null; status: string; lastUsedAt: string | null; expiresAt: string | null; activeKeys: number; flags: string[]; unusedPermissions: Unused }
interface Page { accessReview: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: ReviewRow }> } }

// The review rows, not `principals`: the same page carries last use (keys too) and the review flags.
const QUERY = `query ConsoleAccessReview($first: Int, $after: String) {
  accessReview(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id displayName roles teamId status lastUsedAt expiresAt activeKeys flags unusedPermissions { days plainFields { field readMasked } roles { role } } } }
  }
}`;
const ROLES = `query ConsoleRoles { policyMatrix { roles } }`;
const GRANT = `mutation ConsoleGrantRole($principalId: ID!, $role: String!, $reason: String) { grantRole(principalId: $principalId, role: $role, reason: $reason) { id roles } }`;
const REVOKE = `mutation ConsoleRevokeRole($principalId: ID!, $role: String!, $reason: String) { revokeRole(principalId: $principalId, role: $role, reason: $reason) { id roles } }`;
const PAGE = 20;

type Change = { kind: 'grant' | 'revoke'; principalId: string; role: string };

export function Access({ me, onAuthLost }: ScreenProps) {
  const { t, lang } = useI18n();
  const admin = canChangeAccess(me.roles);
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [reload, setReload] = useState(0);
  const loaded = useGql<Page>(QUERY, { first: PAGE, after: cursors[cursors.length - 1] ?? null }, onAuthLost, reload);
  const [pending, setPending] = useState<Change | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [grantTo, setGrantTo] = useState('');
  const [grantRole, setGrantRole] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const roles = useGql<{ policyMatrix: { roles: string[] } }>(admin ? ROLES : '', {}, onAuthLost);

  const run = async (c: Change, reason: string) => {
    setPending(null);
    try {
      const data = await gql<Record<string, { roles: string[] }>>(c.kind === 'grant' ? GRANT : REVOKE, { principalId: c.principalId, role: c.role, reason: reason || null });
      const after = Object.values(data)[0]!.roles;
      setMessage({ ok: true, text: c.kind === 'grant' && !after.includes(c.role) ? t('pending') : t('done') });
      setReload((n) => n + 1);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'UNAUTHENTICATED') return onAuthLost();
      setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) });
    }
  };
  const submitGrant = (e: FormEvent) => {
    e.preventDefault();
    if (grantTo && grantRole) setPending({ kind: 'grant', principalId: grantTo, role: grantRole });
  };
  const kept = useKept<Page>(loaded);
  const rows = kept ? kept.accessReview.edges.map((e) => e.node) : [];
  const current = rows.find((r) => r.id === selected) ?? null;

  return (
    <section aria-labelledby="access-h">
      <h2 id="access-h">{t('principals')}</h2>
      {!admin && <p className="notice">{t('readOnly')}</p>}
      {admin && (
        <form className="filters" onSubmit={submitGrant} aria-labelledby="grant-h" data-testid="grant-form">
          <h3 id="grant-h">{t('grantRole')}</h3>
          <label>{t('principal')} <input name="principalId" required value={grantTo} onChange={(e) => setGrantTo(e.target.value)} /></label>
          <label>{t('role')}{' '}
            <select name="role" required value={grantRole} onChange={(e) => setGrantRole(e.target.value)}>
              <option value="">—</option>
              {roles.kind === 'ok' && roles.data.policyMatrix.roles.map((r) => <option key={r} value={r}>{r}</option>)}
            </select>
          </label>
          <button type="submit" className="primary">{t('grant')}</button>
        </form>
      )}
      {message && <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'notice' : 'error'}>{message.text}</p>}
      {loaded.kind === 'loading' && !kept && <p role="status">{t('loading')}</p>}
      {loaded.kind === 'error' && <LoadError message={loaded.message} onRetry={() => setReload((n) => n + 1)} />}
      {kept && rows.length === 0 && <p className="notice">{t('noPrincipals')}</p>}
      {kept && rows.length > 0 && (
        <>
          <p className="help"><Rich text={t('flagsHelp')} /></p>
          <div className="scroll" tabIndex={0} role="region" aria-label={t('principals')}>
            <table className="grid" data-testid="principals-table">
              <thead><tr>{[t('principal'), t('displayName'), t('roles'), t('team'), t('status'), t('lastSeen'), t('expires'), t('reviewFlags'), t('details')].map((h) => <th scope="col" key={h}>{h}</th>)}</tr></thead>
              <tbody>
                {rows.map((p) => (
                  <tr key={p.id} data-principal={p.id}>
                    <td><code>{p.id}</code></td>
                    <td>{p.displayName}</td>
                    <td>
                      <div className="roles">
                      {p.roles.map((r) => (
                        <span key={r} className="chip">
                          {r}
                          {admin && p.id !== me.id && (
                            <button type="button" className="chip-x" aria-label={`${t('revoke')} ${r} (${p.id})`} onClick={() => setPending({ kind: 'revoke', principalId: p.id, role: r })}>×</button>
                          )}
                        </span>
                      ))}
                      </div>
                    </td>
                    <td>{p.teamId ?? '—'}</td>
                    <td><Badge value={p.status} /></td>
                    <td className="nowrap">{formatDate(p.lastUsedAt, lang)}</td>
                    <td className="nowrap">{formatDate(p.expiresAt, lang)}</td>
                    <td>
                      <div className="flags">{p.flags.map((f) => <Badge key={f} value={f} />)}</div>
                      <UnusedNote u={p.unusedPermissions} />
                    </td>
                    <td>
                      <button type="button" aria-expanded={selected === p.id} aria-label={`${t('details')}: ${p.id}`} onClick={() => setSelected(selected === p.id ? null : p.id)}>
                        {admin ? t('manage') : t('details')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="pager">
            <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>{t('prev')}</button>
            <button type="button" disabled={!kept.accessReview.pageInfo.hasNextPage} onClick={() => setCursors([...cursors, kept.accessReview.pageInfo.endCursor])}>{t('next')}</button>
          </div>
        </>
      )}
      {current && <PrincipalPanel key={current.id} principal={current} admin={admin && current.id !== me.id} onAuthLost={onAuthLost} onChanged={() => setReload((n) => n + 1)} />}
      <PeriodicReviewSection admin={admin} onAuthLost={onAuthLost} onApplied={() => setReload((n) => n + 1)} />
      {pending && (
        <ReasonDialog
          message={t(pending.kind === 'grant' ? 'confirmGrant' : 'confirmRevoke', { role: pending.role, principal: pending.principalId })}
          onConfirm={(reason) => void run(pending, reason)}
          onCancel={() => setPending(null)}
        />
      )}
    </section>
  );
}

/** Least privilege from real use: PLAIN fields not read in PLAIN and roles not used in the window. */
