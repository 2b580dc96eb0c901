/**
 * A draft of the preliminary report to the Personal Information Protection Commission (APPI
 * Art. 26, Rules Art. 8), in its items' order: what the audit trail knows is filled in, what only
 * a person can say is marked 要記入. Ends with the customers to notify.
 */
import type { Contacts } from './incident-format.js';
import { UPPER_BOUND_NOTE, type CustomerExposure, type IncidentReport } from './incident-model.js';

export const TO_FILL = '要記入';

const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');
const cell = (s: string | number | null | undefined) => String(s ?? '-').replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = (head: string[], rows: Array<Array<string | number | null>>) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');

function scopeText(r: IncidentReport): string {
  const s = r.scope;
  const parts = [
    s.principalId ? `principal \`${s.principalId}\`` : null,
    s.apiKeyPrefix ? `API key \`${s.apiKeyPrefix}\`` : null,
    s.address ? `client address \`${s.address}\`` : null,
  ].filter(Boolean);
  const period = `${s.since ? iso(s.since) : '記録の最初'} – ${s.until ? iso(s.until) : '現在'}`;
  return `${parts.join(', ')}; 期間 ${period}`;
}

function verificationText(r: IncidentReport): string {
  const v = r.verification;
  if (!v.ok) return `**検証失敗 (verification FAILED)**: ${v.problem}. 監査証跡が改ざんされた可能性があり、以下の記載は不完全または誤りであり得る。`;
  return `検証済み (verified): ${v.events} events${v.signaturesChecked ? ', 署名付きチェックポイント確認済み' : ' (チェックポイント署名は未確認)'}`;
}

export function appiDraft(r: IncidentReport, contacts: Contacts): string {
  const exposed = r.customers.filter((c) => c.plain.length > 0);
  const maskedOnly = r.customers.filter((c) => c.plain.length === 0 && c.masked.length > 0);
  const first = r.requests[0]?.at;
  const last = r.requests[r.requests.length - 1]?.at;
  const refused = r.requests.filter((q) => q.outcome === 'denied' || q.outcome === 'unauthenticated').length;
  const bound = r.upperBound ? '（上限値: upper bound）' : '';
  const out: string[] = [
    '# 個人データの漏えい等に関する報告（速報）草案',
    '',
    `- 生成日時: ${iso(r.generatedAt)}`,
    `- 対象: ${scopeText(r)}`,
    `- 監査証跡の検証: ${verificationText(r)}`,
    ...r.scope.notes.map((n) => `- 注記: ${n}`),
    `- 本人と項目の対応: ${r.exposureEvents.exact} 件のイベントは記録ごとの項目を記録（正確）、${r.exposureEvents.upperBound} 件は旧形式（上限値） (exact: ${r.exposureEvents.exact} events; upper bound: ${r.exposureEvents.upperBound} older events)`,
    ...(r.upperBound ? [`- 注記: ${UPPER_BOUND_NOTE}`] : []),
    '',
    '## 1. 概要',
    '',
    `- 監査証跡上のリクエスト: ${r.requests.length} 件（拒否 ${refused} 件）、最初 ${first ? iso(first) : '-'}、最後 ${last ? iso(last) : '-'}`,
    `- 記録に触れられた本人: ${r.customers.length} 人`,
    `- 発覚日時・発覚の経緯: ${TO_FILL}`,
    `- 事案の概要: ${TO_FILL}`,
    '',
    '## 2. 漏えい等が発生し又は発生したおそれがある個人データの項目',
    '',
    table(
      ['区分 (category)', '判定', '本人の数', '値の数'],
      r.categories.map((c) => [c.category, c.decision, c.decision === 'DENIED' ? '-' : c.customers, c.values]),
    ),
    '',
    'PLAIN = 平文で返却、MASKED = マスク済みで返却、DENIED = 返却拒否（漏えいなし）。',
    '',
    '## 3. 本人の数',
    '',
    `- 平文の個人データが返却された（おそれのある）本人: ${exposed.length} 人${bound}`,
    `- マスク済みの値のみ返却された本人: ${maskedOnly.length} 人`,
    '',
    '## 4. 原因',
    '',
    table(
      ['principal', 'roles', 'purpose', 'requests', 'first', 'last'],
      r.principals.map((p) => [p.principalId, p.roles.join(', '), p.purpose, p.requests, iso(p.firstAt), iso(p.lastAt)]),
    ),
    '',
    `- 上記の権限と利用目的で行われたアクセス。原因（認証情報の流出経路、不正の有無等）: ${TO_FILL}`,
    '',
    '## 5. 二次被害又はそのおそれの有無及びその内容',
    '',
    `${TO_FILL}`,
    '',
    '## 6. 本人への対応',
    '',
    `- 通知対象: 下記一覧の ${exposed.length} 人。通知の方法と時期: ${TO_FILL}`,
    '',
    '## 7. 公表',
    '',
    `${TO_FILL}`,
    '',
    '## 8. 再発防止のための措置',
    '',
    `- 封じ込め: \`koe incident contain --principal <id> --reason "…"\`（無効化と API キー失効、監査記録あり）の実施状況: ${TO_FILL}`,
    `- 再発防止策: ${TO_FILL}`,
    '',
    '## 付録: 通知対象の本人一覧',
    '',
    notificationList(exposed, contacts),
    '',
  ];
  return out.join('\n');
}

function notificationList(exposed: CustomerExposure[], contacts: Contacts): string {
  const fields = (c: CustomerExposure) => c.plain.map((f) => f.field + (f.exact ? '' : '?')).join(', ');
  const base = (c: CustomerExposure) => [c.customerId, fields(c), iso(c.firstAt), iso(c.lastAt)];
  if (exposed.length === 0) return '（なし）';
  if (!contacts) {
    return `${table(['customer', 'PLAIN fields', 'first', 'last'], exposed.map(base))}\n\n連絡先は、利用目的 compliance で個人データを平文で読める者にのみ表示される。`;
  }
  return table(
    ['customer', 'PLAIN fields', 'first', 'last', 'name', 'email', 'phone', 'address'],
    exposed.map((c) => {
      const k = contacts.get(c.customerId);
      return [...base(c), k?.name ?? null, k?.email ?? null, k?.phone ?? null, k?.address ?? null];
    }),
  );
}
