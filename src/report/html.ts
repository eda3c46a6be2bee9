import type { Report } from '../types.js';
import { spectrumSvg, timelineSvg } from './html-charts.js';
import { executionLines } from './execution-lines.js';
import { baselineHtml, esc, failuresHtml, passingHtml, tilesHtml } from './html-parts.js';
import { clockTime, intervalPoints, intervalSeries } from './intervals-view.js';
import { percentileRows, serverResolutionNote } from './latency-table.js';
import { runNotes } from './run-notes.js';

const CSS = `
:root{--fg:#1b1f24;--muted:#57606a;--bg:#fff;--panel:#f6f8fa;--line:#d0d7de;--pass:#1a7f37;--pass-bg:#dafbe1;--fail:#cf222e;--fail-bg:#ffebe9;--warn:#9a6700;--warn-bg:#fff8c5;--skip:#6e7781;--c1:#0969da;--c2:#8250df;--c3:#bf3989;--base:#8c959f;--rps:#54aeff;--lim:#d4a72c}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#8d96a0;--bg:#0d1117;--panel:#161b22;--line:#30363d;--pass:#3fb950;--pass-bg:#12261e;--fail:#f85149;--fail-bg:#2d1517;--warn:#d29922;--warn-bg:#2b2111;--skip:#8d96a0;--c1:#4493f8;--c2:#ab7df8;--c3:#f778ba;--base:#6e7681;--rps:#1f6feb;--lim:#bb8009}}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:var(--fg);background:var(--bg)}
main{max-width:1240px;margin:0 auto;padding:1.25rem 1rem 3rem}
h1{font-size:1.35rem;margin:0 0 .25rem;display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
h2{font-size:1.1rem;margin:2rem 0 .75rem;border-bottom:1px solid var(--line);padding-bottom:.3rem}
h3{font-size:1rem;margin:0 0 .35rem}h4{font-size:.85rem;margin:.6rem 0 .2rem;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
a{color:var(--c1)}.quiet{color:var(--muted)}.count{color:var(--muted);font-weight:400}
.meta{color:var(--muted);margin:0;overflow-wrap:anywhere}.target{font-weight:600;color:var(--fg)}
.note{color:var(--muted);margin:.4rem 0 0;overflow-wrap:anywhere}.note.error{color:var(--fail);font-weight:600}
.badge{display:inline-block;font-size:.75rem;font-weight:700;padding:.05rem .45rem;border-radius:999px;text-transform:uppercase;letter-spacing:.03em;white-space:nowrap}
.badge.pass{background:var(--pass-bg);color:var(--pass)}.badge.fail{background:var(--fail-bg);color:var(--fail)}.badge.warn{background:var(--warn-bg);color:var(--warn)}.badge.skip{background:var(--panel);color:var(--skip)}
#verdict{font-size:1rem;padding:.15rem .7rem}
.tiles{list-style:none;padding:0;margin:1rem 0 0;display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:.5rem}
.tile{border:1px solid var(--line);border-left:5px solid var(--skip);border-radius:6px;padding:.45rem .6rem;background:var(--panel);display:flex;flex-direction:column}
.tile.pass{border-left-color:var(--pass)}.tile.fail{border-left-color:var(--fail)}.tile.warn{border-left-color:var(--warn)}
.tile-title{font-weight:600}.tile-counts{font-size:.85rem;color:var(--muted)}.tile-counts span{white-space:nowrap}
.finding{border:1px solid var(--line);border-left:5px solid var(--fail);border-radius:6px;padding:.7rem .85rem;margin:0 0 .75rem;break-inside:avoid}
.finding.warn{border-left-color:var(--warn)}.finding .where{margin:.1rem 0 .3rem}
.findings{margin:.2rem 0;padding-left:1.2rem}.findings li{overflow-wrap:anywhere}
.fix{background:var(--panel);border-radius:4px;padding:.1rem .7rem .3rem;margin-top:.5rem}.fix ul{margin:.2rem 0;padding-left:1.1rem}
.docs{margin:.4rem 0 0;font-size:.85rem}
.passing{list-style:none;padding:0;margin:0;border:1px solid var(--line);border-radius:6px}
.passing>li{display:flex;gap:.6rem;align-items:baseline;padding:.35rem .6rem;border-top:1px solid var(--line)}.passing>li:first-child{border-top:0}
.passing details,.passing .row{flex:1;min-width:0}.passing summary{cursor:pointer}.passing ul{margin:.3rem 0;padding-left:1.1rem;font-size:.9rem}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,420px),1fr));gap:1rem;margin:1rem 0}
figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:.6rem;break-inside:avoid}figcaption{font-weight:600;margin-bottom:.3rem}figure p{margin:.3rem 0 0;font-size:.85rem}
svg.chart{width:100%;height:auto;display:block}
svg text{font-size:12px;fill:var(--muted);font-family:system-ui,sans-serif}svg text.panel{fill:var(--fg)}
svg .grid{stroke:var(--line);stroke-width:.6}svg .grid.minor{stroke-dasharray:2 3}svg .axis{stroke:var(--muted);stroke-width:.8}
svg .curve{fill:none;stroke-width:2;stroke-linejoin:round}
svg .corrected{stroke:var(--c1)}svg .uncorrected{stroke:var(--c2);stroke-dasharray:5 3}svg .baseline{stroke:var(--base);stroke-dasharray:2 3}
svg .p99{stroke:var(--c3)}svg .p50{stroke:var(--c2)}
svg .slo line{stroke:var(--fail);stroke-dasharray:6 4;stroke-width:1.2}svg .slo text{fill:var(--fail);font-size:11px}
svg .area.max{fill:var(--c1);opacity:.18;stroke:none}svg .rps{fill:var(--rps)}svg .err{fill:var(--fail)}svg .limited{fill:var(--lim)}svg .quiet{fill:var(--muted)}
.scroll{overflow-x:auto}table{border-collapse:collapse;margin:.5rem 0;font-variant-numeric:tabular-nums}
td,th{border-bottom:1px solid var(--line);padding:.25rem .55rem;text-align:right;white-space:nowrap}td:first-child,th:first-child{text-align:left}
tr.fail td{color:var(--fail);font-weight:600}
@media (max-width:520px){svg text{font-size:17px}svg .slo text{font-size:15px}body{font-size:14px}main{padding:.8rem .6rem 2rem}.tiles{grid-template-columns:1fr 1fr}.tile-counts{font-size:.8rem}.passing>li{flex-wrap:wrap}}
@media print{main{max-width:none;padding:0}a{color:inherit}.charts{display:block}figure{margin-bottom:1rem}details>summary{list-style:none}}
`;

/** The latency section: numbers, the percentile spectrum and the latency-over-time chart. */
function latencyHtml(report: Report): string {
  const l = report.latency;
  if (!l) return '';
  const curves = [{ label: 'corrected', cls: 'corrected', histogram: l.histogram }];
  if (typeof l.uncorrectedHistogram === 'string')
    curves.push({ label: 'uncorrected', cls: 'uncorrected', histogram: l.uncorrectedHistogram });
  if (report.baseline?.oldHistogram)
    curves.push({ label: 'baseline', cls: 'baseline', histogram: report.baseline.oldHistogram });
  const series = intervalSeries(l);
  const points = series ? intervalPoints(series) : [];
  const resolution = serverResolutionNote(l);
  const timeline = series
    ? `<figure><figcaption>Latency over time</figcaption>${timelineSvg(points, series.intervalMs, report.slo.p99Ms)}<p class="quiet">${points.length} intervals of ${series.intervalMs / 1000} s from ${clockTime(points[0]!.startMs)} UTC; latency by the interval a request was due in, throughput and errors by when the answer arrived.</p></figure>`
    : '';
  return `<section id="latency"><h2>Latency</h2>
<p>${l.requests} requests, ${l.throughputRps} req/s${typeof l.requestedRps === 'number' ? ` (requested ${l.requestedRps})` : ''}, ${l.errors} errors, ${l.rateLimited} rate-limited (429).</p>
<div class="scroll"><table class="pct"><thead><tr><th></th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th></tr></thead><tbody>
${percentileRows(l)
  .map((r) => `<tr><th>${esc(r.label)}</th>${r.values.map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`)
  .join('\n')}
</tbody></table></div>${resolution ? `<p class="quiet">${esc(resolution)}.</p>` : ''}
<div class="charts"><figure><figcaption>Latency by percentile</figcaption>${spectrumSvg(curves, report.slo)}<p class="quiet">Corrected latency counts from each request's scheduled send time (no coordinated omission); uncorrected is the service time. Dashed red: the SLO targets.</p></figure>
${timeline}</div></section>`;
}

/**
 * A self-contained HTML report (no script, font or image from anywhere): verdict, target and rule
 * set with one tile per category first; failures and warnings next, each once with its fix; the
 * latency charts as static SVG; passing checks folded to one row per id.
 */
export function formatHtml(report: Report): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>harden-check: ${esc(report.verdict)} — ${esc(report.target)}</title>
<style>${CSS}</style></head><body><main>
<header><h1>harden-check <span class="badge ${report.verdict === 'pass' ? 'pass' : 'fail'}" id="verdict">${esc(report.verdict.toUpperCase())}</span></h1>
<p class="meta"><span class="target">${esc(report.target)}</span></p>
<p class="meta">rules ${esc(report.rulesVersion)} · harden-check ${esc(report.version)} · ${esc(report.startedAt)} · ${(report.durationMs / 1000).toFixed(1)} s</p>
${runNotes(report)
  .map((n) => `<p class="note${report.verdict === 'error' ? ' error' : ''}">${esc(n)}</p>`)
  .join('\n')}
${executionLines(report)
  .map((n) => `<p class="note run">${esc(n)}</p>`)
  .join('\n')}
<ul class="tiles" id="tiles">${tilesHtml(report.checks)}</ul></header>
${failuresHtml(report.checks, report.endpoints, report.verdict === 'fail' ? report.verdictReason : undefined)}
${report.baseline ? baselineHtml(report.baseline) : ''}
${latencyHtml(report)}
${passingHtml(report.checks, report.endpoints)}
</main></body></html>
`;
}
