import type { LatencySummary, Percentiles } from '../types.js';

const KEYS: Array<keyof Percentiles> = ['p50', 'p90', 'p95', 'p99', 'p999', 'max'];

/** Formats milliseconds compactly: 0.412 ms, 12.3 ms, 1,204 ms. */
export function fmtMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms).toLocaleString('en-US')} ms`;
}

/** Rows of the percentile table: client (corrected), client uncorrected (service time), server. */
export function percentileRows(l: LatencySummary): Array<{ label: string; values: string[] }> {
  const rows = [{ label: 'client', values: KEYS.map((k) => fmtMs(l.clientMs[k])) }];
  const uncorrected = l.uncorrectedMs as Percentiles | undefined;
  if (uncorrected)
    rows.push({ label: 'client, uncorrected', values: KEYS.map((k) => fmtMs(uncorrected[k])) });
  if (l.serverMs)
    rows.push({ label: 'server (X-Latency-MS)', values: KEYS.map((k) => fmtWholeMs(l.serverMs![k])) });
  return rows;
}

/** X-Latency-MS carries whole milliseconds: shown as whole milliseconds, not as 0.000 ms. */
export function fmtWholeMs(ms: number): string {
  return `${Math.round(ms).toLocaleString('en-US')} ms`;
}

/**
 * A note when the server's whole-millisecond X-Latency-MS hides sub-millisecond latency: at least
 * half of its values read 0 ms, while the client saw the requests take under a millisecond.
 */
export function serverResolutionNote(l: LatencySummary): string | undefined {
  if (!l.serverMs || l.requests === 0 || Math.round(l.serverMs.p50) > 0) return undefined;
  return 'X-Latency-MS counts whole milliseconds: a request served in under 1 ms reads 0 ms, so the server row cannot show sub-millisecond latency';
}
