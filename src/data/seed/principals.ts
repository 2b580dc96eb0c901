/**
 * One demo principal per shipped role, fixed rather than generated so that ids, and the demo
 * tokens minted for them, stay the same across seeds and sizes. `p-leaver` is disabled on purpose:
 * a token for it must be refused.
 */
import type { DemoPrincipal } from './demo-data.types.js';

export const DEMO_PRINCIPALS: ReadonlyArray<Readonly<DemoPrincipal>> = [
  { id: 'p-admin', displayName: '管理者 佐藤', roles: ['admin'], teamId: null, status: 'active' },
  { id: 'p-support-east', displayName: 'サポート東日本 鈴木', roles: ['support_agent'], teamId: 'team-east', status: 'active' },
  { id: 'p-support-west', displayName: 'サポート西日本 高橋', roles: ['support_agent'], teamId: 'team-west', status: 'active' },
  { id: 'p-analyst', displayName: '分析担当 田中', roles: ['analyst'], teamId: null, status: 'active' },
  { id: 'p-bi', displayName: 'BI閲覧 伊藤', roles: ['bi_readonly'], teamId: null, status: 'active' },
  { id: 'p-marketing', displayName: 'マーケティング 渡辺', roles: ['marketing'], teamId: null, status: 'active' },
  { id: 'p-auditor', displayName: '監査担当 山本', roles: ['auditor'], teamId: null, status: 'active' },
  { id: 'p-dpo', displayName: '個人情報保護責任者 中村', roles: ['dpo'], teamId: null, status: 'active' },
  { id: 'p-ingest', displayName: '取り込みシステム', roles: ['ingest'], teamId: null, status: 'active' },
  { id: 'p-leaver', displayName: '退職者 小林', roles: ['support_agent'], teamId: 'team-east', status: 'disabled' },
];

/** Fresh copies, so a caller that mutates its data set cannot change the constant. */
export function demoPrincipals(): DemoPrincipal[] {
  return DEMO_PRINCIPALS.map((p) => ({ ...p, roles: [...p.roles] }));
}
