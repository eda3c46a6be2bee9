import type { Histogram } from '../load/histogram.js';

/** A histogram's empirical distribution as a compact CDF: one row per non-empty bucket. */
export interface EmpiricalCdf {
  n: number;
  /** Highest equivalent value of each non-empty bucket, ascending (µs). */
  values: Float64Array;
  /** Cumulative count up to and including each bucket. */
  cumulative: Float64Array;
}

/** Reads the non-empty buckets of an HDR histogram once, so each quantile lookup is a binary search. */
export function empiricalCdf(h: Histogram): EmpiricalCdf {
  const values: number[] = [];
  const cumulative: number[] = [];
  const raw = h as unknown as {
    countsArrayLength: number;
    getCountAtIndex(i: number): number;
    valueFromIndex(i: number): number;
    highestEquivalentValue(v: number): number;
  };
  let total = 0;
  for (let i = 0; i < raw.countsArrayLength && total < h.totalCount; i++) {
    const c = raw.getCountAtIndex(i);
    if (c === 0) continue;
    total += c;
    values.push(raw.highestEquivalentValue(raw.valueFromIndex(i)));
    cumulative.push(total);
  }
  return { n: total, values: Float64Array.from(values), cumulative: Float64Array.from(cumulative) };
}

/** The value at rank `rank` (1-based) of the sorted sample: the quantile function F⁻¹. */
export function valueAtRank(cdf: EmpiricalCdf, rank: number): number {
  let lo = 0;
  let hi = cdf.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf.cumulative[mid]! >= rank) hi = mid;
    else lo = mid + 1;
  }
  return cdf.values[lo] ?? 0;
}

/** Rank of the q-quantile in a sample of n, as HdrHistogram computes it (ceil(q·n), at least 1). */
export function quantileRank(q: number, n: number): number {
  return Math.min(n, Math.max(1, Math.ceil(q * n - 1e-9)));
}

function normal(random: () => number): number {
  // Box–Muller.
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000), "A simple method for generating gamma variables". */
function gamma(shape: number, random: () => number): number {
  if (shape < 1) return gamma(shape + 1, random) * random() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) as G₁ / (G₁ + G₂). */
export function beta(a: number, b: number, random: () => number): number {
  const x = gamma(a, random);
  return x / (x + gamma(b, random));
}

/**
 * One bootstrap replicate of the q-quantile: the k-th smallest of n values resampled with
 * replacement from the empirical distribution. The k-th order statistic of n uniforms is
 * Beta(k, n − k + 1) (David & Nagaraja, Order Statistics, §2.1), and F⁻¹ is monotone, so the
 * replicate is F⁻¹(U) with U ~ Beta(k, n − k + 1) — exact, in O(log buckets) instead of O(n).
 */
export function bootstrapQuantile(cdf: EmpiricalCdf, q: number, random: () => number): number {
  const k = quantileRank(q, cdf.n);
  const u = beta(k, cdf.n - k + 1, random);
  return valueAtRank(cdf, Math.max(1, Math.ceil(u * cdf.n)));
}

/** A small seeded PRNG (mulberry32), so the same two reports always give the same answer. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Percentile-bootstrap confidence interval of Q_new(q) − Q_old(q) in µs (Efron & Tibshirani, An
 * Introduction to the Bootstrap, 1993, ch. 13): both samples are resampled independently
 * `resamples` times; the interval is the (α/2, 1 − α/2) quantiles of the replicated differences.
 */
export function quantileDifferenceInterval(
  old: EmpiricalCdf,
  current: EmpiricalCdf,
  q: number,
  options: { resamples: number; confidence: number; seed: number },
): { low: number; high: number } {
  const random = seededRandom(options.seed);
  const diffs = new Float64Array(options.resamples);
  for (let i = 0; i < options.resamples; i++)
    diffs[i] = bootstrapQuantile(current, q, random) - bootstrapQuantile(old, q, random);
  diffs.sort();
  const alpha = 1 - options.confidence;
  const at = (p: number) => diffs[Math.min(diffs.length - 1, Math.max(0, Math.floor(p * diffs.length)))]!;
  return { low: at(alpha / 2), high: at(1 - alpha / 2) };
}
