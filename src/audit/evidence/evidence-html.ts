/** The evidence pack as one self-contained HTML page: inline CSS only, no script, no external asset; prints one section per page. */
import type { Cell, EvidencePack } from './evidence-model.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const show = (c: Cell) => (c === null ? '–' : c === true ? 'yes' : c === false ? 'no' : String(c));

const CSS = `body{font:13px/1.45 system-ui,sans-serif;margin:2em;color:#111}h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #999}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #bbb;padding:2px 6px;text-align:left;vertical-align:top;word-break:break-word}
th{background:#eee}.map{color:#333;font-size:.95em}.note{color:#555;font-style:italic}code{font-size:.95em}
@media print{body{margin:1cm}section{page-break-before:always}section:first-of-type{page-break-before:auto}}`;

export function evidenceHtml(pack: EvidencePack): string {
  const index = pack.sections
    .map((s) => `<tr><td><a href="#${esc(s.id)}">${esc(s.title)}</a></td><td>${esc(s.soc2.join(', '))}</td><td>${esc(s.appi.join(', '))}</td><td>${s.rows.length}</td></tr>`)
    .join('\n');
  const sections = pack.sections.map((s) => {
    const head = s.columns.map((c) => `<th>${esc(c)}</th>`).join('');
    const body = s.rows.length
      ? s.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(show(c))}</td>`).join('')}</tr>`).join('\n')
      : `<tr><td colspan="${s.columns.length}">none in this period</td></tr>`;
    return `<section id="${esc(s.id)}">
<h2>${esc(s.title)}</h2>
<p class="map">SOC 2: ${esc(s.soc2.join(', '))} · APPI: ${esc(s.appi.join(', '))}</p>
<p>${esc(s.summary)}</p>
<table><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table>
${s.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('\n')}
<p class="map">Tests backing this control: ${s.tests.map((t) => `<code>${esc(t)}</code>`).join(', ') || '–'}</p>
</section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Koe evidence pack ${esc(pack.from)} – ${esc(pack.to)}</title><style>${CSS}</style></head>
<body>
<h1>Koe evidence pack</h1>
<p>Period ${esc(pack.from)} (inclusive) – ${esc(pack.to)} (exclusive). Generated ${esc(pack.generatedAt)} with policy version ${esc(pack.policyVersion)}.
The same facts are in <code>evidence.json</code>; <code>manifest.json</code> lists the SHA-256 of each file and is signed with the audit checkpoint key
(<code>koe evidence verify &lt;dir&gt;</code>).</p>
<table><thead><tr><th>section</th><th>SOC 2</th><th>APPI</th><th>rows</th></tr></thead><tbody>
${index}
</tbody></table>
${sections.join('\n')}
</body></html>
`;
}
