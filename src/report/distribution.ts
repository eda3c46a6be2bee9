import { countAtOrBelow, decodeHistogram } from '../load/histogram.js';

/** Percentile ladder points for the HDR percentile-distribution chart (x: percentile, y: ms). */
export const LADDER = [0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100];

export function percentileCurve(histogramBase64: string): Array<{ percentile: number; ms: number }> {
  const h = decodeHistogram(histogramBase64);
  if (h.totalCount === 0) return [];
  return LADDER.map((p) => ({
    percentile: p,
    ms: (p === 100 ? h.maxValue : h.getValueAtPercentile(p)) / 1000,
  }));
}

/** Counts in log-spaced latency buckets, for the terminal bar chart. */
export function logBuckets(
  histogramBase64: string,
  buckets = 8,
): Array<{ fromMs: number; toMs: number; count: number }> {
  const h = decodeHistogram(histogramBase64);
  if (h.totalCount === 0) return [];
  const min = Math.max(h.minNonZeroValue, 1);
  const max = Math.max(h.maxValue, min + 1);
  const ratio = (max / min) ** (1 / buckets);
  const edges = Array.from({ length: buckets + 1 }, (_, i) => min * ratio ** i);
  const out: Array<{ fromMs: number; toMs: number; count: number }> = [];
  let prev = 0;
  for (let i = 1; i <= buckets; i++) {
    const c = i === buckets ? h.totalCount : countAtOrBelow(h, edges[i]!);
    out.push({ fromMs: edges[i - 1]! / 1000, toMs: edges[i]! / 1000, count: Math.max(0, c - prev) });
    prev = Math.max(prev, c);
  }
  return out;
}
