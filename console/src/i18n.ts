/** Japanese and English: ja when the browser prefers Japanese, switchable; one dictionary, no library. */
import { createContext, useContext } from 'react';
import { en as opsEn, ja as opsJa } from './i18n-ops';
import * as people from './i18n-people';

export type Lang = 'ja' | 'en';

const en = {
  ...opsEn,
  appName: 'Koe Console',
  skip: 'Skip to content',
  language: 'Language',
  signInTitle: 'Sign in to Koe',
  signInHelp: 'Paste a token printed by `npm start` (or `npx koe token <principal>`), or an API key.',
  credential: 'Token or API key',
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  signOut: 'Sign out',
  sessionEnded: 'Your session ended. Sign in again.',
  nav: 'Screens',
  overview: 'Overview',
  audit: 'Audit',
  policy: 'Policy',
  access: 'Access',
  signedInAs: 'Signed in as',
  principal: 'Principal',
  displayName: 'Name',
  roles: 'Roles',
  team: 'Team',
  purpose: 'Purpose',
  policyVersion: 'Policy version',
  decisions: 'Your decisions per personal field',
  field: 'Field',
  decision: 'Decision',
  loading: 'Loading…',
  error: 'Error',
  none: 'None',
  filters: 'Filters',
  actor: 'Actor',
  action: 'Action',
  outcome: 'Outcome',
  resource: 'Record (e.g. Customer:<id>)',
  from: 'From (JST)',
  to: 'To (JST)',
  apply: 'Apply',
  clear: 'Clear',
  seq: 'Seq',
  at: 'At',
  resources: 'Records',
  fields: 'Fields',
  requestId: 'Request id',
  total: 'matching events',
  next: 'Next page',
  prev: 'Previous page',
  first: 'First page',
  matrixTitle: 'Decision matrix (role × personal field)',
  matrixHelp: 'The policy is edited in git: change policies/*.policy.yaml, run `npx koe policy test`, and open a pull request. This screen shows the loaded policy.',
  filterField: 'Filter fields',
  filterRole: 'Role',
  allRoles: 'All roles',
  principals: 'Principals',
  status: 'Status',
  lastSeen: 'Last seen',
  expires: 'Expires',
  grantRole: 'Grant a role',
  grant: 'Grant',
  revoke: 'Revoke',
  role: 'Role',
  confirm: 'Confirm',
  cancel: 'Cancel',
  confirmGrant: 'Grant role {role} to {principal}? It takes effect on their next request and is recorded in the audit trail.',
  confirmRevoke: 'Revoke role {role} from {principal}? It takes effect on their next request and is recorded in the audit trail.',
  done: 'Done.',
  readOnly: 'Read-only: your roles may view access but not change it.',
  pending: 'A privileged role: a grant request now waits for another admin’s approval.',
  ...people.en,
} as const;

export type MessageKey = keyof typeof en;

const ja: Record<MessageKey, string> = {
  ...opsJa,
  appName: 'Koe 管理画面',
  skip: '本文へ移動',
  language: '言語',
  signInTitle: 'Koe にサインイン',
  signInHelp: '`npm start` が表示したトークン（または `npx koe token <principal>`）か API キーを貼り付けてください。',
  credential: 'トークンまたは API キー',
  signIn: 'サインイン',
  signingIn: 'サインイン中…',
  signOut: 'サインアウト',
  sessionEnded: 'セッションが終了しました。もう一度サインインしてください。',
  nav: '画面',
  overview: '概要',
  audit: '監査ログ',
  policy: 'ポリシー',
  access: 'アクセス権',
  signedInAs: 'サインイン中',
  principal: 'プリンシパル',
  displayName: '名前',
  roles: 'ロール',
  team: 'チーム',
  purpose: '利用目的',
  policyVersion: 'ポリシーのバージョン',
  decisions: '個人情報項目ごとのあなたの判定',
  field: '項目',
  decision: '判定',
  loading: '読み込み中…',
  error: 'エラー',
  none: 'なし',
  filters: '絞り込み',
  actor: '実行者',
  action: '操作',
  outcome: '結果',
  resource: 'レコード（例: Customer:<id>）',
  from: '開始（日本時間）',
  to: '終了（日本時間）',
  apply: '適用',
  clear: 'クリア',
  seq: '番号',
  at: '日時',
  resources: 'レコード',
  fields: '項目',
  requestId: 'リクエスト ID',
  total: '件が該当',
  next: '次のページ',
  prev: '前のページ',
  first: '最初のページ',
  matrixTitle: '判定表（ロール × 個人情報項目）',
  matrixHelp: 'ポリシーは git で編集します。policies/*.policy.yaml を変更し、`npx koe policy test` を実行してプルリクエストを作成してください。この画面は読み込まれているポリシーを表示します。',
  filterField: '項目で絞り込み',
  filterRole: 'ロール',
  allRoles: 'すべてのロール',
  principals: 'プリンシパル一覧',
  status: '状態',
  lastSeen: '最終利用',
  expires: '有効期限',
  grantRole: 'ロールを付与',
  grant: '付与',
  revoke: '取り消し',
  role: 'ロール',
  confirm: '実行する',
  cancel: 'キャンセル',
  confirmGrant: '{principal} にロール {role} を付与しますか？次のリクエストから有効になり、監査ログに記録されます。',
  confirmRevoke: '{principal} のロール {role} を取り消しますか？次のリクエストから有効になり、監査ログに記録されます。',
  done: '完了しました。',
  readOnly: '閲覧のみ: あなたのロールではアクセス権を変更できません。',
  pending: '特権ロールです。別の管理者の承認待ちとして付与申請が作成されました。',
  ...people.ja,
};

export const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { en, ja };

export function initialLang(): Lang {
  const saved = localStorage.getItem('koe.lang');
  if (saved === 'ja' || saved === 'en') return saved;
  return navigator.language.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export type Translate = (key: MessageKey, vars?: Record<string, string>) => string;

export function translator(lang: Lang): Translate {
  const dict = DICTIONARIES[lang];
  return (key, vars = {}) => dict[key].replace(/\{(\w+)\}/g, (_, name: string) => vars[name] ?? `{${name}}`);
}

export const LangContext = createContext<{ lang: Lang; t: Translate }>({ lang: 'en', t: translator('en') });

export const useI18n = () => useContext(LangContext);
