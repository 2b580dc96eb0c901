/** Renders a decision matrix for a terminal or pull request (md), a machine (json) or a browser (html). */
import type { DecisionMatrix } from './matrix.js';

export type MatrixFormat = 'md' | 'json' | 'html';

export function renderMatrix(m: DecisionMatrix, format: MatrixFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(m, null, 2);
    case 'md':
      return markdown(m);
    case 'html':
      return html(m);
  }
}

function title(m: DecisionMatrix): string {
  return `Policy ${m.version}${m.purpose ? `, purpose ${m.purpose}` : ', any purpose'}`;
}

function markdown(m: DecisionMatrix): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `**${title(m)}**`,
    '',
    `| role | ${m.fields.join(' | ')} |`,
    `|---|${m.fields.map(() => '---').join('|')}|`,
    ...m.roles.map((r) => `| ${r} | ${m.fields.map((f) => cell(m.cells[r]?.[f]?.text ?? '')).join(' | ')} |`),
  ];
  return `${lines.join('\n')}\n`;
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

function html(m: DecisionMatrix): string {
  const head = m.fields.map((f) => `<th>${escape(f)}</th>`).join('');
  const rows = m.roles
    .map((r) => {
      const tds = m.fields.map((f) => {
        const c = m.cells[r]?.[f];
        return `<td class="${c ? c.decision.toLowerCase() : ''}">${escape(c?.text ?? '')}</td>`;
      });
      return `<tr><th>${escape(r)}</th>${tds.join('')}</tr>`;
    })
    .join('\n');
  return [
    '<!doctype html>',
    `<meta charset="utf-8"><title>${escape(title(m))}</title>`,
    '<style>td,th{border:1px solid #ccc;padding:4px;font:13px sans-serif}.plain{background:#fdd}.masked{background:#ffd}.denied{background:#dfd}.conditional{background:#def}</style>',
    `<table><caption>${escape(title(m))}</caption>`,
    `<tr><th>role</th>${head}</tr>`,
    rows,
    '</table>',
    '',
  ].join('\n');
}
