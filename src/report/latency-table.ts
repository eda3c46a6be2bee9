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
    rows.push({ label: 'server (X-Latency-MS)', values: KEYS.map((k) => fmtMs(l.serverMs![k])) });
  return rows;
}
