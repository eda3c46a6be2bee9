import type { IntervalEntry, IntervalSeries } from '../load/intervals.js';
import type { LatencySummary } from '../types.js';

/** One interval as the reports show it. */
export interface IntervalPoint {
  /** Absolute start, epoch ms. */
  startMs: number;
  /** Seconds since the first interval's start. */
  offsetSec: number;
  p50: number;
  p99: number;
  max: number;
  /** Answers per second that arrived in the interval (over the part of it the run covered). */
  rps: number;
  errors: number;
  rateLimited: number;
  requests: number;
  lagMaxMs: number;
}

/** The latency-over-time series of a report, or undefined when it has none. */
export function intervalSeries(l: LatencySummary | undefined): IntervalSeries | undefined {
  const s = l?.intervals as IntervalSeries | undefined;
  return s && Array.isArray(s.entries) && s.entries.length > 0 ? s : undefined;
}

export function intervalPoints(series: IntervalSeries): IntervalPoint[] {
  const t0 = Date.parse(series.entries[0]!.start);
  return series.entries.map((e: IntervalEntry) => {
    const startMs = Date.parse(e.start);
    return {
      startMs,
      offsetSec: (startMs - t0) / 1000,
      p50: e.clientMs.p50,
      p99: e.clientMs.p99,
      max: e.clientMs.max,
      rps: e.coveredMs > 0 ? (e.completed * 1000) / e.coveredMs : 0,
      errors: e.errors,
      rateLimited: e.rateLimited,
      requests: e.requests,
      lagMaxMs: e.lagMs.max,
    };
  });
}

/** The `n` intervals with the highest p99 (ties: more errors first), worst first. */
export function worstIntervals(points: readonly IntervalPoint[], n = 5): IntervalPoint[] {
  return points
    .filter((p) => p.requests > 0 || p.errors > 0)
    .sort((a, b) => b.p99 - a.p99 || b.errors - a.errors)
    .slice(0, n);
}

/** `12:00:03.250` (UTC) for an interval start. */
export function clockTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .slice(11, 23)
    .replace(/\.000$/, '');
}
