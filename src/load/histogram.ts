import { buildInt32, decodeCompressedInt32, encodeCompressed, type Histogram } from './hdr.js';
import type { Percentiles } from '../types.js';

export type { Histogram };

/** 1 µs to 60 s at 3 significant digits; values are recorded in microseconds. */
export const HISTOGRAM_SETTINGS = {
  lowestDiscernibleValue: 1,
  highestTrackableValue: 60_000_000,
  numberOfSignificantValueDigits: 3 as const,
};

export function createHistogram(): Histogram {
  // Int32 counts: recording is a plain array increment (the packed layout costs ~10 % of the
  // load generator's CPU); ~70 KB per histogram.
  return buildInt32(HISTOGRAM_SETTINGS);
}

/** Records microseconds, clamped into the trackable range (a 90 s stall counts as 60 s, never lost). */
export function recordMicros(h: Histogram, micros: number): void {
  const v = Math.round(micros);
  h.recordValue(v < 0 ? 0 : Math.min(v, HISTOGRAM_SETTINGS.highestTrackableValue));
}

/** p50/p90/p95/p99/p99.9/max in milliseconds (3 decimals). */
export function percentilesMs(h: Histogram): Percentiles {
  const ms = (us: number) => Math.round(us) / 1000;
  if (h.totalCount === 0) return { p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  return {
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    // Like HdrHistogram getMaxValue(): the top of the bucket, so decoded and live histograms agree.
    max: ms(h.getValueAtPercentile(100)),
  };
}

/** Compressed base64 encoding of HdrHistogram (interoperable with the Java/C/Go implementations). */
export function encodeHistogram(h: Histogram): string {
  return encodeCompressed(h);
}

/**
 * Decodes into Int32 counts, like the recording histogram: the percentile queries of the slo checks
 * and the reports walk its buckets ≈ 10× faster than over a packed array (same values).
 */
export function decodeHistogram(base64: string): Histogram {
  return decodeCompressedInt32(base64);
}

/** Share of recorded values strictly above `micros`. */
export function shareAbove(h: Histogram, micros: number): number {
  if (h.totalCount === 0) return 0;
  return (h.totalCount - countAtOrBelow(h, micros)) / h.totalCount;
}

/** How many recorded values are ≤ `micros`. */
export function countAtOrBelow(h: Histogram, micros: number): number {
  // Binary search for the largest percentile whose value is ≤ micros; exact to the histogram's
  // resolution (3 significant digits), since getValueAtPercentile walks the same buckets.
  if (h.maxValue <= micros) return h.totalCount;
  if (h.minNonZeroValue > micros) return 0;
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (h.getValueAtPercentile(mid) <= micros) lo = mid;
    else hi = mid;
  }
  return Math.round((lo / 100) * h.totalCount);
}
