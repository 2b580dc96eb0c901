import { useState, type FormEvent } from 'react';
import { signIn } from './api';
import { useI18n } from './i18n';

export function SignIn({ ended, onSignedIn }: { ended: boolean; onSignedIn: () => void }) {
  const { t } = useI18n();
  const [credential, setCredential] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(credential);
      setCredential('');
      onSignedIn();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" className="signin">
      <h2>{t('signInTitle')}</h2>
      {ended && <p className="notice" role="status">{t('sessionEnded')}</p>}
      <p>{t('signInHelp')}</p>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="credential">{t('credential')}</label>
        <textarea id="credential" name="credential" rows={3} autoComplete="off" spellCheck={false} required value={credential} onChange={(e) => setCredential(e.target.value)} />
        <button type="submit" className="primary" disabled={busy}>{busy ? t('signingIn') : t('signIn')}</button>
        {error && <p className="error" role="alert">{error}</p>}
      </form>
    </main>
  );
}
