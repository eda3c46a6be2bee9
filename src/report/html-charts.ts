import { decodeIntervalHistogram } from '../load/intervals.js';
import type { SloTargets } from '../types.js';
import type { IntervalPoint } from './intervals-view.js';

/**
 * The HTML report's two charts as static SVG, rendered at report time: no script, no network, and
 * they print. Sizes are in viewBox units; the page scales them to the column width.
 */
const W = 480;
const PAD = { l: 46, r: 12, t: 26, b: 30 };

const esc = (s: string): string => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const f1 = (n: number) => n.toFixed(1);

/** "0.5", "20", "1.2k" ms labels. */
function msLabel(ms: number): string {
  if (ms >= 1000) return `${+(ms / 1000).toFixed(1)} s`;
  if (ms >= 1) return `${+ms.toFixed(ms < 10 ? 1 : 0)}`;
  return `${+ms.toFixed(2)}`;
}

function polyline(points: Array<[number, number]>, cls: string, title: string): string {
  if (points.length === 0) return '';
  const d = points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${f1(x)},${f1(y)}`).join('');
  return `<path d="${d}" class="${cls}"><title>${esc(title)}</title></path>`;
}

/** A 1-2-5 step at or above `raw`. */
function niceStep(raw: number): number {
  const e = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((m) => m * e >= raw) ?? 10) * e;
}

/** x of a percentile on the "nines" axis: 90 % → 1, 99 % → 2, 99.9 % → 3. */
const nines = (p: number) => -Math.log10(1 - p / 100);

interface Curve {
  label: string;
  cls: string;
  histogram: string;
}

/**
 * Percentile spectrum: latency (log scale) against the percentile on a nines axis, one curve per
 * histogram (corrected, uncorrected, a baseline), and the p95/p99 SLO targets as dashed lines
 * that end at their percentile.
 */
export function spectrumSvg(curves: Curve[], slo: SloTargets): string {
  const H = 250;
  const series = curves
    .map((c) => {
      const h = decodeIntervalHistogram(c.histogram);
      if (h.totalCount === 0) return undefined;
      // Beyond log10(n) nines a percentile is the maximum: stop the curve there.
      const top = Math.min(5, Math.max(1, Math.log10(h.totalCount)));
      const pts: Array<[number, number]> = [];
      for (let x = 0; x <= top + 1e-9; x += 0.05) {
        const p = 100 * (1 - 10 ** -x);
        pts.push([x, Math.max(h.getValueAtPercentile(p) / 1000, 0.001)]);
      }
      return { ...c, pts, top };
    })
    .filter((s) => s !== undefined);
  if (series.length === 0) return '';
  const xMax = Math.max(...series.map((s) => s.top));
  const values = series.flatMap((s) => s.pts.map(([, y]) => y));
  const targets = [
    { label: `p95 target ${msLabel(slo.p95Ms)} ms`, ms: slo.p95Ms, p: 95 },
    { label: `p99 target ${msLabel(slo.p99Ms)} ms`, ms: slo.p99Ms, p: 99 },
  ];
  const yMin = Math.max(0.001, Math.min(...values) / 1.5);
  const yMax = Math.max(...values, ...targets.map((t) => t.ms)) * 1.5;
  const ly = (v: number) => Math.log10(v);
  const sx = (x: number) => PAD.l + (x / xMax) * (W - PAD.l - PAD.r);
  const sy = (ms: number) => H - PAD.b - ((ly(ms) - ly(yMin)) / (ly(yMax) - ly(yMin))) * (H - PAD.t - PAD.b);
  const xTicks = [0, 1, 2, 3, 4, 5]
    .filter((x) => x <= xMax + 1e-9)
    .map((x) => {
      const label = x === 0 ? '0%' : `${(100 * (1 - 10 ** -x)).toFixed(Math.max(0, x - 2))}%`;
      return `<line x1="${f1(sx(x))}" x2="${f1(sx(x))}" y1="${PAD.t}" y2="${H - PAD.b}" class="grid"/><text x="${f1(sx(x))}" y="${H - PAD.b + 14}" text-anchor="middle">${label}</text>`;
    })
    .join('');
  const yTicks: string[] = [];
  for (let e = Math.floor(ly(yMin)); e <= Math.ceil(ly(yMax)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v < yMin || v > yMax) continue;
      yTicks.push(
        `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${f1(sy(v))}" y2="${f1(sy(v))}" class="grid${m === 1 ? '' : ' minor'}"/>` +
          (m === 1 || m === 5
            ? `<text x="${PAD.l - 4}" y="${f1(sy(v) + 3.5)}" text-anchor="end">${msLabel(v)}</text>`
            : ''),
      );
    }
  }
  const sloLines = targets
    .map(
      (t) =>
        `<g class="slo"><line x1="${PAD.l}" x2="${f1(sx(Math.min(nines(t.p), xMax)))}" y1="${f1(sy(t.ms))}" y2="${f1(sy(t.ms))}"/><line x1="${f1(sx(Math.min(nines(t.p), xMax)))}" x2="${f1(sx(Math.min(nines(t.p), xMax)))}" y1="${f1(sy(t.ms) - 5)}" y2="${f1(sy(t.ms) + 5)}"/><text x="${PAD.l + 4}" y="${f1(sy(t.ms) - 4)}">${esc(t.label)}</text></g>`,
    )
    .join('');
  const paths = series
    .map((s) =>
      polyline(
        s.pts.map(([x, y]) => [sx(x), sy(y)]),
        `curve ${s.cls}`,
        s.label,
      ),
    )
    .join('');
  const legend = series
    .map(
      (s, i) =>
        `<g transform="translate(${PAD.l + 24 + i * 128},${PAD.t - 12})"><line x1="0" x2="16" y1="0" y2="0" class="curve ${s.cls}"/><text x="20" y="3.5">${esc(s.label)}</text></g>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" id="spectrum-chart" class="chart" role="img" viewBox="0 0 ${W} ${H}" aria-label="Latency by percentile: ${esc(series.map((s) => s.label).join(', '))}">
${yTicks.join('')}${xTicks}${sloLines}${paths}${legend}
<text x="4" y="${PAD.t - 8}">ms</text>
<text x="${W - PAD.r}" y="${H - 3}" text-anchor="end">percentile</text></svg>`;
}

/**
 * Latency over time: p50, p99 and max per interval on top; throughput (answers per second) and
 * errors + 429s in two panels beneath, on the same time axis, so a stall lines up as a latency
 * spike over a throughput gap.
 */
export function timelineSvg(points: IntervalPoint[], intervalMs: number, sloP99Ms: number): string {
  if (points.length === 0) return '';
  const top = { y: PAD.t, h: 150 };
  const mid = { y: top.y + top.h + 26, h: 56 };
  const low = { y: mid.y + mid.h + 22, h: 36 };
  const H = low.y + low.h + PAD.b;
  const span = points.at(-1)!.offsetSec + intervalMs / 1000;
  const sx = (sec: number) => PAD.l + (sec / span) * (W - PAD.l - PAD.r);
  const bw = Math.max(1, sx(intervalMs / 1000) - sx(0) - 1);
  const maxMs = Math.max(...points.map((p) => p.max), 0.001);
  const yStep = niceStep(maxMs / 3);
  const yMax = Math.ceil((maxMs * 1.05) / yStep) * yStep;
  const sy = (ms: number) => top.y + top.h - (ms / yMax) * top.h;
  const mid0 = (p: IntervalPoint) => p.offsetSec + intervalMs / 2000;
  const active = points.filter((p) => p.requests > 0);
  const maxArea =
    active.length > 0
      ? `<path d="M${f1(sx(mid0(active[0]!)))},${f1(sy(0))}${active.map((p) => `L${f1(sx(mid0(p)))},${f1(sy(p.max))}`).join('')}L${f1(sx(mid0(active.at(-1)!)))},${f1(sy(0))}Z" class="area max"><title>max per interval</title></path>`
      : '';
  const lines = [
    maxArea,
    polyline(
      active.map((p) => [sx(mid0(p)), sy(p.p99)]),
      'curve p99',
      'p99 per interval',
    ),
    polyline(
      active.map((p) => [sx(mid0(p)), sy(p.p50)]),
      'curve p50',
      'p50 per interval',
    ),
  ].join('');
  const yTicks = Array.from({ length: Math.round(yMax / yStep) + 1 }, (_, i) => (i * yStep) / yMax)
    .map(
      (f) =>
        `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${f1(sy(yMax * f))}" y2="${f1(sy(yMax * f))}" class="grid"/><text x="${PAD.l - 4}" y="${f1(sy(yMax * f) + 3.5)}" text-anchor="end">${msLabel(yMax * f)}</text>`,
    )
    .join('');
  const slo =
    sloP99Ms < yMax
      ? `<g class="slo"><line x1="${PAD.l}" x2="${W - PAD.r}" y1="${f1(sy(sloP99Ms))}" y2="${f1(sy(sloP99Ms))}"/><text x="${W - PAD.r - 2}" y="${f1(sy(sloP99Ms) - 3)}" text-anchor="end">p99 target</text></g>`
      : '';
  const rpsMax = Math.max(...points.map((p) => p.rps), 1);
  const bars = points
    .map((p) => {
      const h = (p.rps / rpsMax) * mid.h;
      return `<rect x="${f1(sx(p.offsetSec) + 0.5)}" y="${f1(mid.y + mid.h - h)}" width="${f1(bw)}" height="${f1(h)}" class="rps"><title>+${p.offsetSec} s: ${Math.round(p.rps)} req/s</title></rect>`;
    })
    .join('');
  const errMax = Math.max(...points.map((p) => p.errors + p.rateLimited), 1);
  const errBars = points
    .filter((p) => p.errors + p.rateLimited > 0)
    .map((p) => {
      const he = (p.errors / errMax) * low.h;
      const hr = (p.rateLimited / errMax) * low.h;
      return `<rect x="${f1(sx(p.offsetSec) + 0.5)}" y="${f1(low.y + low.h - he)}" width="${f1(bw)}" height="${f1(he)}" class="err"><title>+${p.offsetSec} s: ${p.errors} errors</title></rect><rect x="${f1(sx(p.offsetSec) + 0.5)}" y="${f1(low.y + low.h - he - hr)}" width="${f1(bw)}" height="${f1(hr)}" class="limited"><title>+${p.offsetSec} s: ${p.rateLimited} × 429</title></rect>`;
    })
    .join('');
  const noErrors =
    errBars === ''
      ? `<text x="${PAD.l + 4}" y="${low.y + low.h - 6}" class="quiet">no errors, no 429s</text>`
      : '';
  const step = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600].find((s) => span / s <= 8) ?? 7200;
  const xTicks: string[] = [];
  for (let t = 0; t <= span + 1e-9; t += step)
    xTicks.push(
      `<line x1="${f1(sx(t))}" x2="${f1(sx(t))}" y1="${top.y}" y2="${low.y + low.h}" class="grid"/><text x="${f1(sx(t))}" y="${H - PAD.b + 14}" text-anchor="middle">${t} s</text>`,
    );
  const label = (y: number, text: string) => `<text x="${PAD.l}" y="${y - 5}" class="panel">${text}</text>`;
  const legend = ['max', 'p99', 'p50']
    .map(
      (k, i) =>
        `<g transform="translate(${W - PAD.r - 180 + i * 62},${PAD.t - 12})">${k === 'max' ? '<rect x="0" y="-5" width="14" height="10" class="area max"/>' : `<line x1="0" x2="14" y1="0" y2="0" class="curve ${k}"/>`}<text x="17" y="3.5">${k}</text></g>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" id="timeline-chart" class="chart" role="img" viewBox="0 0 ${W} ${H}" aria-label="Latency, throughput and errors over time, ${intervalMs / 1000} s intervals">
${xTicks.join('')}${yTicks}${slo}${lines}${legend}
${label(mid.y, `throughput (peak ${Math.round(rpsMax)} req/s)`)}<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${mid.y + mid.h}" y2="${mid.y + mid.h}" class="axis"/>${bars}
${label(low.y, errBars === '' ? 'errors and 429s' : `errors and 429s (peak ${errMax} per interval)`)}<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${low.y + low.h}" y2="${low.y + low.h}" class="axis"/>${errBars}${noErrors}
<text x="4" y="${PAD.t - 8}">ms</text>
<text x="${W - PAD.r}" y="${H - 3}" text-anchor="end">time since start</text></svg>`;
}
