import { useCallback, useEffect, useMemo, useState } from 'react';
import { DashboardStatsDocument } from '../generated/graphql';
import { Channels } from './Channels';
import { initialLang, LangContext, rememberLang, translator, useI18n, type Lang } from './i18n';
import { Inbox } from './Inbox';
import { periodStart, WEEK_CHOICES, type Weeks } from './period';
import { SignIn } from './SignIn';
import { State } from './State';
import { Trend } from './Trend';
import { useQuery } from './useQuery';

// The credential lives in this tab only (sessionStorage), never in localStorage or a cookie.
const CREDENTIAL = 'koe.dashboard.credential';
const DEFAULT_WEEKS: Weeks = 26;

function Dashboard({ credential, weeks, onAuthLost }: { credential: string; weeks: Weeks; onAuthLost: (message: string) => void }) {
  const { t } = useI18n();
  const [reload, setReload] = useState(0);
  const receivedAfter = useMemo(() => periodStart(weeks), [weeks]);
  const stats = useQuery(credential, DashboardStatsDocument, { filter: { receivedAfter } }, t, onAuthLost, reload);
  const retry = () => setReload((n) => n + 1);
  return (
    <main id="main" tabIndex={-1}>
      <section aria-labelledby="trend-title" className="card">
        <h2 id="trend-title">{t('trendTitle')}</h2>
        <State loaded={stats} onRetry={retry}>{(d) => <Trend weekly={d.weekly} />}</State>
      </section>
      <section aria-labelledby="channel-title" className="card">
        <h2 id="channel-title">{t('channelTitle')}</h2>
        <State loaded={stats} onRetry={retry}>{(d) => <Channels channels={d.channels} />}</State>
      </section>
      <section aria-labelledby="inbox-title" className="card">
        <h2 id="inbox-title">{t('inboxTitle')}</h2>
        <Inbox credential={credential} receivedAfter={receivedAfter} onAuthLost={onAuthLost} />
      </section>
    </main>
  );
}

export function App() {
  const [lang, setLang] = useState<Lang>(initialLang);
  const [credential, setCredential] = useState<string | null>(() => sessionStorage.getItem(CREDENTIAL));
  const [refused, setRefused] = useState<string | null>(null);
  const [weeks, setWeeks] = useState<Weeks>(DEFAULT_WEEKS);
  const i18n = useMemo(() => ({ lang, t: translator(lang) }), [lang]);
  const { t } = i18n;

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t('appName');
    rememberLang(lang);
  }, [lang, t]);

  const signIn = (value: string) => {
    sessionStorage.setItem(CREDENTIAL, value);
    setRefused(null);
    setCredential(value);
  };
  const signOut = useCallback((message: string | null = null) => {
    sessionStorage.removeItem(CREDENTIAL);
    setRefused(message);
    setCredential(null);
  }, []);
  const onAuthLost = useCallback((message: string) => signOut(message), [signOut]);

  return (
    <LangContext.Provider value={i18n}>
      <a className="skip" href="#main">{t('skip')}</a>
      <header className="top">
        <h1>{t('appName')}</h1>
        <div className="top-right">
          {credential && (
            <label className="inline">
              <span>{t('period')}</span>
              <select value={weeks} onChange={(e) => setWeeks(Number(e.target.value) as Weeks)}>
                {WEEK_CHOICES.map((n) => (
                  <option key={n} value={n}>{n === 156 ? t('allWeeks') : t('weeks', { n })}</option>
                ))}
              </select>
            </label>
          )}
          <label className="inline">
            <span>{t('language')}</span>
            <select value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
              <option value="ja">日本語</option>
              <option value="en">English</option>
            </select>
          </label>
          {credential && <button type="button" onClick={() => signOut()}>{t('signOut')}</button>}
        </div>
      </header>
      {credential ? <Dashboard credential={credential} weeks={weeks} onAuthLost={onAuthLost} /> : <SignIn error={refused} onSignIn={signIn} />}
    </LangContext.Provider>
  );
}
