/**
 * One principal on the Access screen: disable or enable, move team, set an expiry, and its API
 * keys (create: the key shown once; revoke). Each change asks for a reason and a confirmation; the
 * API decides (admins only) and records it. Read-only viewers see the keys, no controls.
 */
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api';
import { formatDate, tokyoInputToIso } from '../format';
import { useI18n } from '../i18n';
import { useGql } from '../useApi';
import { errorText, gqlFor, useKept } from '../api-people';
import { Badge } from './Badge';
import { ReasonDialog } from './ReasonDialog';
import type { ReviewRow } from '../screens/Access';

interface ApiKey { id: string; name: string; prefix: string; createdAt: string; expiresAt: string | null; revokedAt: string | null; lastUsedAt: string | null }
interface Keys { apiKeys: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: ApiKey }> } }

const KEYS = `query ConsoleApiKeys($principalId: ID, $after: String) {
  apiKeys(principalId: $principalId, first: 20, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name prefix createdAt expiresAt revokedAt lastUsedAt } } }
}`;
const M = {
  disable: `mutation ConsoleDisable($p: ID!, $reason: String) { disablePrincipal(principalId: $p, reason: $reason) { id status } }`,
  enable: `mutation ConsoleEnable($p: ID!, $reason: String) { enablePrincipal(principalId: $p, reason: $reason) { id status } }`,
  team: `mutation ConsoleMoveTeam($p: ID!, $teamId: ID, $reason: String) { setPrincipalTeam(principalId: $p, teamId: $teamId, reason: $reason) { id teamId } }`,
  expiry: `mutation ConsoleExpiry($p: ID!, $expiresAt: DateTime, $reason: String) { setPrincipalExpiry(principalId: $p, expiresAt: $expiresAt, reason: $reason) { id expiresAt } }`,
  createKey: `mutation ConsoleCreateKey($p: ID!, $name: String!, $expiresAt: DateTime, $reason: String) { createApiKey(principalId: $p, name: $name, expiresAt: $expiresAt, reason: $reason) { key apiKey { id prefix } } }`,
  revokeKey: `mutation ConsoleRevokeKey($id: ID!, $reason: String) { revokeApiKey(id: $id, reason: $reason) { id revokedAt } }`,
};

type Action = { message: string; query: string; vars: Record<string, unknown>; onKey?: boolean };

export function PrincipalPanel({ principal: p, admin, onAuthLost, onChanged }: { principal: ReviewRow; admin: boolean; onAuthLost: () => void; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const [reload, setReload] = useState(0);
  const [keysAfter, setKeysAfter] = useState<string | null>(null);
  const loadedKeys = useGql<Keys>(KEYS, { principalId: p.id, after: keysAfter }, onAuthLost, reload);
  const keys = useKept<Keys>(loadedKeys);
  const [pending, setPending] = useState<Action | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [team, setTeam] = useState(p.teamId ?? '');
  const [expiry, setExpiry] = useState('');
  const [keyName, setKeyName] = useState('');
  const [keyExpiry, setKeyExpiry] = useState('');

  const run = async (a: Action, reason: string) => {
    setPending(null);
    setSecret(null);
    setMessage(null);
    try {
      const data = await gqlFor<Record<string, { key?: string }>>(a.query, { ...a.vars, reason });
      const created = Object.values(data)[0]?.key;
      if (created) setSecret(created);
      setMessage({ ok: true, text: t('done') });
      setReload((n) => n + 1);
      onChanged();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'UNAUTHENTICATED') return onAuthLost();
      setMessage({ ok: false, text: errorText(e) });
    }
  };
  const ask = (message: string, query: string, vars: Record<string, unknown>) => setPending({ message, query, vars: { p: p.id, ...vars } });
  const submit = (f: () => void) => (e: FormEvent) => (e.preventDefault(), f());

  return (
    <section className="panel" aria-labelledby="principal-h" data-testid="principal-panel">
      <h3 id="principal-h">{p.displayName} (<code>{p.id}</code>) <Badge value={p.status} /></h3>
      {admin && (
        <>
          <div className="row">
            {p.status === 'active'
              ? <button type="button" onClick={() => ask(t('confirmDisable', { principal: p.id }), M.disable, {})}>{t('disable')}</button>
              : <button type="button" onClick={() => ask(t('confirmEnable', { principal: p.id }), M.enable, {})}>{t('enable')}</button>}
          </div>
          <form className="row" onSubmit={submit(() => ask(t('confirmTeam', { principal: p.id, team: team || t('none') }), M.team, { teamId: team.trim() || null }))}>
            <label>{t('team')} <input name="teamId" value={team} onChange={(e) => setTeam(e.target.value)} /></label>
            <button type="submit">{t('moveTeam')}</button>
          </form>
          <form className="row" onSubmit={submit(() => ask(t('confirmExpiry', { principal: p.id, at: expiry ? `${expiry} JST` : t('never') }), M.expiry, { expiresAt: tokyoInputToIso(expiry) }))}>
            <label>{t('expiresJst')} <input type="datetime-local" lang={lang} name="expiresAt" value={expiry} onChange={(e) => setExpiry(e.target.value)} /></label>
            <button type="submit">{expiry ? t('setExpiry') : t('clearExpiry')}</button>
          </form>
        </>
      )}
      {message && <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'notice' : 'error'}>{message.text}</p>}
      {secret && (
        <div className="notice" data-testid="new-key">
          <p>{t('keyShownOnce')}</p>
          <output className="secret" aria-label={t('newKey')}>{secret}</output>
        </div>
      )}
      <h3>{t('apiKeys')}</h3>
      {loadedKeys.kind === 'loading' && !keys && <p className="help" aria-busy="true">{t('loading')}</p>}
      {loadedKeys.kind === 'error' && <p role="alert" className="error">{t('error')}: {loadedKeys.message}</p>}
      {keys && keys.apiKeys.edges.length === 0 && <p>{t('noKeys')}</p>}
      {keys && keys.apiKeys.edges.length > 0 && (
        <table className="grid" data-testid="keys-table">
          <thead><tr>{[t('keyName'), t('prefix'), t('created'), t('expires'), t('lastSeen'), t('status'), t('actions')].map((h) => <th scope="col" key={h}>{h}</th>)}</tr></thead>
          <tbody>
            {keys.apiKeys.edges.map(({ node: k }) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td><code>{k.prefix}</code></td>
                <td className="nowrap">{formatDate(k.createdAt, lang)}</td>
                <td className="nowrap">{formatDate(k.expiresAt, lang)}</td>
                <td className="nowrap">{formatDate(k.lastUsedAt, lang)}</td>
                <td><Badge value={k.revokedAt ? 'revoked' : 'active'} /></td>
                <td>{admin && !k.revokedAt && <button type="button" aria-label={`${t('revokeKey')} ${k.name}`} onClick={() => setPending({ message: t('confirmRevokeKey', { name: k.name, principal: p.id }), query: M.revokeKey, vars: { id: k.id } })}>{t('revokeKey')}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {keys && (keysAfter || keys.apiKeys.pageInfo.hasNextPage) && (
        <div className="pager">
          <button type="button" disabled={!keysAfter} onClick={() => setKeysAfter(null)}>{t('first')}</button>
          <button type="button" disabled={!keys.apiKeys.pageInfo.hasNextPage} onClick={() => setKeysAfter(keys.apiKeys.pageInfo.endCursor)}>{t('next')}</button>
        </div>
      )}
      {admin && (
        <form className="row" onSubmit={submit(() => ask(t('confirmCreateKey', { name: keyName, principal: p.id }), M.createKey, { name: keyName.trim(), expiresAt: tokyoInputToIso(keyExpiry) }))}>
          <label>{t('keyName')} <input name="keyName" required value={keyName} onChange={(e) => setKeyName(e.target.value)} /></label>
          <label>{t('expiresJst')} <input type="datetime-local" lang={lang} name="keyExpiresAt" value={keyExpiry} onChange={(e) => setKeyExpiry(e.target.value)} /></label>
          <button type="submit">{t('createKey')}</button>
        </form>
      )}
      {pending && <ReasonDialog message={pending.message} onConfirm={(reason) => void run(pending, reason)} onCancel={() => setPending(null)} />}
    </section>
  );
}
