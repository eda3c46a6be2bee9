import type { SloTargets } from '../types.js';
import { burnRates, SLO_NAMES } from './burn-rate.js';
import type { WindowReport } from './window-recorder.js';

/** `90 s`, `5 min`, `6 h`: a window length as people say it. */
export function fmtSpan(sec: number): string {
  if (sec >= 3600 && sec % 3600 === 0) return `${sec / 3600}h`;
  if (sec >= 60 && Math.round(sec) % 60 === 0) return `${Math.round(sec / 60)}m`;
  return `${Math.round(sec * 10) / 10}s`;
}

const burn = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '∞');

/** The lines printed for one window: SLIs, per-endpoint SLIs, burn rates, firing alerts. */
export function formatWindow(w: WindowReport, slo: SloTargets): string {
  const ok = w.requests > 0 ? ((w.requests - w.errors) / w.requests) * 100 : 100;
  const c = w.clientMs;
  const lines = [
    `watch [${fmtSpan(w.endSec)}] window ${w.index}: ${w.requests} requests, ${w.errors} errors, ${w.rateLimited} rate-limited; availability ${ok.toFixed(2)} %; p50 ${c.p50} ms, p95 ${c.p95} ms, p99 ${c.p99} ms`,
  ];
  if (w.endpoints.length > 1)
    for (const e of w.endpoints)
      lines.push(`  ${e.endpoint}: ${e.requests} requests, ${e.errors} errors, p95 ${e.p95Ms} ms`);
  for (const { pair, long, short } of w.burn) {
    const l = burnRates(long, slo);
    const s = burnRates(short, slo);
    const n = pair.nominal;
    const span = `${fmtSpan(pair.longSec)}/${fmtSpan(pair.shortSec)}${n && n.longSec !== pair.longSec ? ` (workbook ${fmtSpan(n.longSec)}/${fmtSpan(n.shortSec)})` : ''}`;
    lines.push(
      `  burn ${span} (page > ${pair.factor}×): ${SLO_NAMES.map((n) => `${n} ${burn(l[n])}/${burn(s[n])}`).join(', ')}`,
    );
  }
  for (const a of w.alerts)
    lines.push(
      `  ALERT ${a.severity}: ${a.slo} burning ${burn(a.longBurn)}× over ${fmtSpan(a.longSec)} and ${burn(a.shortBurn)}× over ${fmtSpan(a.shortSec)} (> ${a.factor}×)`,
    );
  return `${lines.join('\n')}\n`;
}
