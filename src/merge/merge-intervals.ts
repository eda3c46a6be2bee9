import { HardenError } from '../errors.js';
import { encodeHistogram, type Histogram } from '../load/histogram.js';
import {
  createIntervalHistogram,
  decodeIntervalHistogram,
  type IntervalEntry,
  type IntervalSeries,
} from '../load/intervals.js';

interface Slot {
  histogram: Histogram;
  completed: number;
  errors: number;
  rateLimited: number;
  requests: number;
  lagMaxMs: number;
  /** Covered milliseconds per input series: machines run side by side, so the slot covers the most any one did. */
  covered: number[];
}

/**
 * Merges latency-over-time series by absolute time: entries that start in the same interval are
 * added histogram bucket by bucket and their counts summed (exact). Series of different interval
 * lengths merge when every length divides the longest (interval starts are multiples of the length
 * since the epoch, so each short interval lies inside exactly one long one); otherwise the merge
 * would have to split counts, and it is refused.
 */
export function mergeIntervals(series: readonly IntervalSeries[]): IntervalSeries | undefined {
  if (series.length === 0) return undefined;
  const length = Math.max(...series.map((s) => s.intervalMs));
  const odd = series.find((s) => length % s.intervalMs !== 0);
  if (odd)
    throw new HardenError(
      'REPORT_INVALID',
      `cannot merge latency intervals of ${odd.intervalMs} ms and ${length} ms exactly; run every machine with the same --interval`,
    );
  const slots = new Map<number, Slot>();
  series.forEach((s, which) => {
    for (const e of s.entries) {
      const index = Math.floor(Date.parse(e.start) / length);
      let slot = slots.get(index);
      if (!slot) {
        slot = {
          histogram: createIntervalHistogram(),
          completed: 0,
          errors: 0,
          rateLimited: 0,
          requests: 0,
          lagMaxMs: 0,
          covered: [],
        };
        slots.set(index, slot);
      }
      if (e.histogram) slot.histogram.add(decodeIntervalHistogram(e.histogram));
      slot.completed += e.completed;
      slot.errors += e.errors;
      slot.rateLimited += e.rateLimited;
      slot.requests += e.requests;
      slot.lagMaxMs = Math.max(slot.lagMaxMs, e.lagMs.max);
      slot.covered[which] = (slot.covered[which] ?? 0) + e.coveredMs;
    }
  });
  const indexes = [...slots.keys()].sort((a, b) => a - b);
  const entries: IntervalEntry[] = [];
  for (const index of indexes) {
    const slot = slots.get(index)!;
    const h = slot.histogram;
    const ms = (p: number) => (h.totalCount === 0 ? 0 : Math.round(h.getValueAtPercentile(p)) / 1000);
    entries.push({
      start: new Date(index * length).toISOString(),
      coveredMs: Math.min(length, Math.max(0, ...slot.covered.filter((c) => c !== undefined))),
      completed: slot.completed,
      errors: slot.errors,
      rateLimited: slot.rateLimited,
      requests: slot.requests,
      clientMs: { p50: ms(50), p90: ms(90), p99: ms(99), max: ms(100) },
      lagMs: { max: slot.lagMaxMs },
      histogram: encodeHistogram(h),
    });
  }
  return { intervalMs: length, entries };
}
