/** Japanese and English, as the console does it: ja when the browser prefers Japanese, switchable, remembered. */
import { createContext, useContext } from 'react';

export type Lang = 'ja' | 'en';

const en = {
  appName: 'Koe Dashboard',
  skip: 'Skip to content',
  language: 'Language',
  signInTitle: 'Sign in to the dashboard',
  signInHelp: 'Paste a token printed by `npm start` (or `npx koe token <principal>`), or an API key. It stays in this tab only.',
  credential: 'Token or API key',
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  signOut: 'Sign out',
  loading: 'Loading…',
  retry: 'Try again',
  period: 'Period',
  weeks: 'Last {n} weeks',
  allWeeks: 'Last 3 years',
  trendTitle: 'NPS and sentiment per week',
  trendHelp: 'Weeks start on Monday (Asia/Tokyo). Groups smaller than {n} are suppressed by the policy and shown as —.',
  npsChart: 'NPS per week',
  sentimentChart: 'Feedback per week by sentiment',
  week: 'Week of',
  count: 'Items',
  nps: 'NPS',
  positive: 'Positive',
  neutral: 'Neutral',
  negative: 'Negative',
  suppressed: 'suppressed (small group)',
  noData: 'No feedback in this period.',
  channelTitle: 'Volume per channel',
  channel: 'Channel',
  inboxTitle: 'Negative feedback',
  inboxHelp: 'Newest first. Contact details appear as your role may see them: in the clear, masked, or hidden.',
  inboxTotal: '{n} items',
  received: 'Received (JST)',
  team: 'Team',
  rating: 'Rating',
  subject: 'Subject',
  customer: 'Customer',
  email: 'E-mail',
  phone: 'Phone',
  anonymous: 'anonymous',
  hidden: 'hidden',
  more: 'Show more',
  inboxEmpty: 'No negative feedback in this period.',
  error401: 'Koe did not accept the credential: {message}',
  error403: 'Your role may not read this: {message}',
  error429: 'Too many requests; wait a minute and try again. ({message})',
  error503: 'Koe is unavailable right now: {message}',
  errorOther: 'The request failed: {message}',
  EMAIL: 'E-mail',
  PHONE: 'Phone',
  WEB: 'Web form',
  SNS: 'Social media',
  STORE: 'Store',
  SURVEY: 'Survey',
} as const;

export type MessageKey = keyof typeof en;

const ja: Record<MessageKey, string> = {
  appName: 'Koe ダッシュボード',
  skip: '本文へ移動',
  language: '言語',
  signInTitle: 'ダッシュボードにサインイン',
  signInHelp: '`npm start` が表示したトークン（または `npx koe token <principal>`）か API キーを貼り付けてください。このタブの中だけに保持されます。',
  credential: 'トークンまたは API キー',
  signIn: 'サインイン',
  signingIn: 'サインイン中…',
  signOut: 'サインアウト',
  loading: '読み込み中…',
  retry: '再試行',
  period: '期間',
  weeks: '直近 {n} 週',
  allWeeks: '直近 3 年',
  trendTitle: '週ごとの NPS と感情',
  trendHelp: '週は月曜始まり（日本時間）。{n} 件未満のグループはポリシーにより非表示（—）です。',
  npsChart: '週ごとの NPS',
  sentimentChart: '週ごとの感情別件数',
  week: '週の初日',
  count: '件数',
  nps: 'NPS',
  positive: 'ポジティブ',
  neutral: 'ニュートラル',
  negative: 'ネガティブ',
  suppressed: '非表示（少人数のグループ）',
  noData: 'この期間のフィードバックはありません。',
  channelTitle: 'チャネル別の件数',
  channel: 'チャネル',
  inboxTitle: 'ネガティブなフィードバック',
  inboxHelp: '新しい順。連絡先はあなたのロールに許された形（そのまま・マスク・非表示）で表示されます。',
  inboxTotal: '{n} 件',
  received: '受付日時（日本時間）',
  team: 'チーム',
  rating: '評価',
  subject: '件名',
  customer: '顧客',
  email: 'メール',
  phone: '電話',
  anonymous: '匿名',
  hidden: '非表示',
  more: 'さらに表示',
  inboxEmpty: 'この期間のネガティブなフィードバックはありません。',
  error401: 'Koe が認証情報を受け付けませんでした: {message}',
  error403: 'あなたのロールでは読めません: {message}',
  error429: 'リクエストが多すぎます。1 分ほど待ってから再試行してください。（{message}）',
  error503: 'Koe は現在利用できません: {message}',
  errorOther: 'リクエストに失敗しました: {message}',
  EMAIL: 'メール',
  PHONE: '電話',
  WEB: 'Web フォーム',
  SNS: 'SNS',
  STORE: '店舗',
  SURVEY: 'アンケート',
};

const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { en, ja };
const SAVED = 'koe.dashboard.lang';

export function initialLang(): Lang {
  const saved = localStorage.getItem(SAVED);
  if (saved === 'ja' || saved === 'en') return saved;
  return navigator.language.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export const rememberLang = (lang: Lang) => localStorage.setItem(SAVED, lang);

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const dict = DICTIONARIES[lang];
  return (key, vars = {}) => dict[key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

export const LangContext = createContext<{ lang: Lang; t: Translate }>({ lang: 'en', t: translator('en') });

export const useI18n = () => useContext(LangContext);
