import { useState, type FormEvent } from 'react';
import { useI18n } from './i18n';

/** The credential is checked by the dashboard's first request; a refusal comes back here as `error`. */
export function SignIn({ error, onSignIn }: { error: string | null; onSignIn: (credential: string) => void }) {
  const { t } = useI18n();
  const [credential, setCredential] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const value = credential.trim();
    if (value) onSignIn(value);
  };
  return (
    <main id="main" className="signin">
      <h2>{t('signInTitle')}</h2>
      <p>{t('signInHelp')}</p>
      <form onSubmit={submit}>
        <label htmlFor="credential">{t('credential')}</label>
        <textarea id="credential" name="credential" rows={3} autoComplete="off" spellCheck={false} required value={credential} onChange={(e) => setCredential(e.target.value)} />
        <button type="submit" className="primary">{t('signIn')}</button>
        {error && <p className="error" role="alert">{error}</p>}
      </form>
    </main>
  );
}
