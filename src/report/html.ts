import type { Report } from '../types.js';
import { percentileCurve } from './distribution.js';
import { byCategory, CATEGORY_TITLES } from './group.js';
import { percentileRows } from './latency-table.js';
import { runNotes } from './run-notes.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * HDR percentile-distribution chart as inline SVG: x is the percentile on the usual log scale
 * (1 / (1 − p)), y the latency in ms. Built from the histogram, so it needs no script or network.
 */
export function percentileSvg(histogram: string, title: string): string {
  const points = percentileCurve(histogram).filter((p) => p.percentile < 100);
  if (points.length === 0) return '';
  const W = 640;
  const H = 260;
  const pad = { l: 60, r: 20, t: 24, b: 40 };
  const xOf = (p: number) => Math.log10(1 / (1 - p / 100));
  const xMax = xOf(99.99);
  const yMax = Math.max(...points.map((p) => p.ms), 0.001) * 1.1;
  const sx = (p: number) => pad.l + (xOf(p) / xMax) * (W - pad.l - pad.r);
  const sy = (ms: number) => H - pad.b - (ms / yMax) * (H - pad.t - pad.b);
  const path = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.percentile).toFixed(1)},${sy(p.ms).toFixed(1)}`)
    .join(' ');
  const ticks = [0, 90, 99, 99.9, 99.99]
    .map(
      (p) =>
        `<line x1="${sx(p)}" x2="${sx(p)}" y1="${pad.t}" y2="${H - pad.b}" class="grid"/><text x="${sx(p)}" y="${H - pad.b + 16}" text-anchor="middle">${p}%</text>`,
    )
    .join('');
  const yTicks = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (f) =>
        `<text x="${pad.l - 6}" y="${sy(yMax * f) + 4}" text-anchor="end">${(yMax * f).toFixed(yMax < 10 ? 2 : 0)}</text>`,
    )
    .join('');
  const dots = points
    .map(
      (p) =>
        `<circle cx="${sx(p.percentile).toFixed(1)}" cy="${sy(p.ms).toFixed(1)}" r="3"><title>p${p.percentile}: ${p.ms.toFixed(3)} ms</title></circle>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" id="latency-chart">
<text x="${pad.l}" y="16" class="title">${esc(title)}</text>${ticks}${yTicks}
<text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">ms</text>
<path d="${path}" class="curve"/>${dots}</svg>`;
}

/** A self-contained HTML report: no scripts, fonts or images from the network. */
export function formatHtml(report: Report): string {
  const s = report.summary;
  const rows = byCategory(report.checks)
    .map(([category, results]) => {
      const body = results
        .map(
          (r) =>
            `<tr class="${r.status}"><td class="status">${r.status}</td><td><code>${esc(r.id)}</code></td><td>${esc(r.endpoint ?? '')}</td><td>${esc(r.message)}</td></tr>`,
        )
        .join('\n');
      return `<tbody><tr class="category"><th colspan="4">${esc(CATEGORY_TITLES[category])}</th></tr>\n${body}</tbody>`;
    })
    .join('\n');
  const l = report.latency;
  const latency = l
    ? `<section id="latency"><h2>Latency</h2>
<p>${l.requests} requests, ${l.throughputRps} req/s${typeof l.requestedRps === 'number' ? ` (requested ${l.requestedRps})` : ''}, ${l.errors} errors, ${l.rateLimited} rate-limited.</p>
<table class="pct"><thead><tr><th></th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th></tr></thead><tbody>
${percentileRows(l)
  .map((r) => `<tr><th>${esc(r.label)}</th>${r.values.map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`)
  .join('\n')}
</tbody></table>
${percentileSvg(l.histogram, 'Client latency by percentile (coordinated-omission corrected)')}</section>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>harden-check: ${esc(report.verdict)} — ${esc(report.target)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1f24}
h1{font-size:1.4rem}.verdict{font-weight:700;padding:.1rem .5rem;border-radius:4px}
.verdict.pass{background:#dafbe1;color:#116329}.verdict.fail,.verdict.error{background:#ffebe9;color:#a40e26}p.note{color:#57606a}p.note.error{color:#a40e26;font-weight:600}
table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{border-bottom:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
tr.category th{background:#f6f8fa}td.status{font-weight:600;text-transform:uppercase;font-size:.8rem}
tr.pass td.status{color:#1a7f37}tr.fail td.status{color:#cf222e}tr.warn td.status{color:#9a6700}tr.skip td.status{color:#6e7781}
table.pct{width:auto}table.pct td{text-align:right;font-variant-numeric:tabular-nums}
svg .curve{fill:none;stroke:#0969da;stroke-width:2}svg circle{fill:#0969da}svg .grid{stroke:#d0d7de}svg text{font-size:11px;fill:#57606a}svg .title{font-size:13px;fill:#1b1f24}
</style></head><body>
<h1>harden-check <span class="verdict ${report.verdict}" id="verdict">${report.verdict.toUpperCase()}</span></h1>
<p><strong>${esc(report.target)}</strong> — ${s.pass} passed, ${s.fail} failed, ${s.warn} warnings, ${s.skip} skipped. Rules ${esc(report.rulesVersion)}, harden-check ${esc(report.version)}, ${esc(report.startedAt)}.</p>
${runNotes(report)
  .map((n) => `<p class="note${report.verdict === 'error' ? ' error' : ''}">${esc(n)}</p>`)
  .join('\n')}
<table id="checks"><thead><tr><th>status</th><th>check</th><th>endpoint</th><th>message</th></tr></thead>
${rows}
</table>
${latency}
</body></html>
`;
}
