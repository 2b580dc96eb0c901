import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, gql, ME_QUERY, signOut, type Me } from './api';
import { initialLang, LangContext, translator, type Lang } from './i18n';
import { screensFor, type Screen } from './screens';
import { SignIn } from './SignIn';
import { Overview } from './screens/Overview';
import { Audit } from './screens/Audit';
import { Policy } from './screens/Policy';
import { Access } from './screens/Access';
import { Keys } from './screens/Keys';

// GraphiQL and Monaco are large: their own chunk, fetched when the Explorer is opened.
const Explorer = lazy(() => import('./screens/Explorer'));
import { Subjects } from './screens/Subjects';

type State = { kind: 'loading' } | { kind: 'signedOut'; ended: boolean } | { kind: 'in'; me: Me };

// Started while the page is still parsing, not after the first render: the first screen waits on it.
let firstMe: Promise<{ me: Me }> | null = gql<{ me: Me }>(ME_QUERY);

export function App() {
  const [lang, setLang] = useState<Lang>(initialLang);
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [screen, setScreen] = useState<Screen>(() => (location.hash.slice(1) as Screen) || 'overview');
  const i18n = useMemo(() => ({ lang, t: translator(lang) }), [lang]);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = i18n.t('appName');
    localStorage.setItem('koe.lang', lang);
  }, [lang, i18n]);

  const load = useCallback(async (ended = false) => {
    try {
      const pending = firstMe ?? gql<{ me: Me }>(ME_QUERY);
      firstMe = null;
      const { me } = await pending;
      setState({ kind: 'in', me });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'UNAUTHENTICATED') setState({ kind: 'signedOut', ended });
      else setState({ kind: 'signedOut', ended: true });
    }
  }, []);
  useEffect(() => void load(), [load]);

  // Any screen's request that comes back unauthenticated (idle timeout, principal disabled) ends the session here.
  const onAuthLost = useCallback(() => setState({ kind: 'signedOut', ended: true }), []);

  const go = (s: Screen) => {
    setScreen(s);
    history.replaceState(null, '', `#${s}`);
  };

  const langSwitch = (
    <label className="lang">
      <span>{i18n.t('language')}</span>
      <select value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
        <option value="ja">日本語</option>
        <option value="en">English</option>
      </select>
    </label>
  );

  let body;
  if (state.kind === 'loading') body = <main id="main"><p role="status">{i18n.t('loading')}</p></main>;
  else if (state.kind === 'signedOut') body = <SignIn ended={state.ended} onSignedIn={() => void load()} />;
  else {
    const offered = screensFor(state.me.roles);
    const current = offered.includes(screen) ? screen : 'overview';
    const props = { me: state.me, onAuthLost };
    body = (
      <>
        <nav aria-label={i18n.t('nav')} className="tabs">
          {offered.map((s) => (
            <button key={s} type="button" className={s === current ? 'tab active' : 'tab'} aria-current={s === current ? 'page' : undefined} onClick={() => go(s)}>
              {i18n.t(s)}
            </button>
          ))}
        </nav>
        <main id="main" tabIndex={-1}>
          {current === 'overview' && <Overview me={state.me} onAuthLost={onAuthLost} go={go} />}
          {current === 'audit' && <Audit {...props} />}
          {current === 'policy' && <Policy {...props} />}
          {current === 'access' && <Access {...props} />}
          {current === 'keys' && <Keys {...props} />}
          {current === 'explorer' && <Suspense fallback={<p role="status">{i18n.t('loading')}</p>}><Explorer /></Suspense>}
          {current === 'subjects' && <Subjects {...props} />}
        </main>
      </>
    );
  }

  return (
    <LangContext.Provider value={i18n}>
      <a className="skip" href="#main">{i18n.t('skip')}</a>
      <header className="top">
        <h1>{i18n.t('appName')}</h1>
        <div className="top-right">
          {state.kind === 'in' && (
            <>
              <span className="who">{i18n.t('signedInAs')} <strong>{state.me.displayName}</strong> ({state.me.roles.join(', ')})</span>
              <button type="button" onClick={() => void signOut().then(() => setState({ kind: 'signedOut', ended: false }))}>{i18n.t('signOut')}</button>
            </>
          )}
          {langSwitch}
        </div>
      </header>
      {body}
    </LangContext.Provider>
  );
}
