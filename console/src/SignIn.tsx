import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, signIn, signInOptions } from './api';
import { useI18n, type MessageKey } from './i18n';
import './ops.css';
import { Rich } from './Rich';

const SSO_REASONS = ['state', 'provider', 'exchange', 'id_token', 'principal', 'unavailable'];

/** The reason the gateway's SSO callback sent back (`/console/?sso=<reason>`), read once. */
function ssoReturn(): string | null {
  const reason = new URLSearchParams(location.search).get('sso');
  if (reason === null) return null;
  history.replaceState(null, '', location.pathname + location.hash);
  return SSO_REASONS.includes(reason) ? reason : 'provider';
}
const ssoFailure = ssoReturn();

export function SignIn({ ended, onSignedIn }: { ended: boolean; onSignedIn: () => void }) {
  const { t } = useI18n();
  const [credential, setCredential] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(ssoFailure ? t('ssoFailed', { reason: t(`ssoReason_${ssoFailure}` as MessageKey) }) : null);
  const [sso, setSso] = useState(false);
  useEffect(() => void signInOptions().then((o) => setSso(o.sso), () => setSso(false)), []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(credential);
      setCredential('');
      onSignedIn();
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) setError(t('tooMany', { seconds: err.message }));
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" className="signin">
      <h2>{t('signInTitle')}</h2>
      {ended && <p className="notice" role="status">{t('sessionEnded')}</p>}
      {sso && (
        <p>
          {/* A plain link: the gateway redirects to the identity provider (code flow with PKCE). */}
          <a className="button primary" href="/console/auth/sso">{t('ssoSignIn')}</a>
        </p>
      )}
      <p>{sso ? `${t('ssoOr')}: ` : ''}<Rich text={t('signInHelp')} /></p>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="credential">{t('credential')}</label>
        <textarea id="credential" name="credential" rows={3} autoComplete="off" spellCheck={false} required value={credential} onChange={(e) => setCredential(e.target.value)} />
        <button type="submit" className="primary" disabled={busy}>{busy ? t('signingIn') : t('signIn')}</button>
        {error && <p className="error" role="alert">{error}</p>}
      </form>
    </main>
  );
}
