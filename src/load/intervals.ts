import { buildInt32, decodeCompressedInt32 } from './hdr.js';
import { encodeHistogram, type Histogram, HISTOGRAM_SETTINGS, recordMicros } from './histogram.js';

/** Default length of one interval of the latency-over-time series, in milliseconds. */
export const DEFAULT_INTERVAL_MS = 1000;

/** One interval of the JSON report's `latency.intervals.entries` (schema/report.schema.json). */
export interface IntervalEntry {
  /** Absolute start of the interval (ISO-8601, UTC); interval starts are multiples of the length since the epoch. */
  start: string;
  /** Milliseconds of the interval the load phase covered (less than the length at both ends of a run). */
  coveredMs: number;
  /** Responses (and transport errors) that arrived in the interval, 429s included. */
  completed: number;
  /** 5xx and transport errors that arrived in the interval. */
  errors: number;
  /** 429 responses that arrived in the interval. */
  rateLimited: number;
  /** Requests due in the interval whose corrected latency is in `histogram` (429s excluded). */
  requests: number;
  /** Corrected latency of the requests due in the interval, ms (3 decimals). */
  clientMs: { p50: number; p90: number; p99: number; max: number };
  /** Client schedule lag of the requests due in the interval, ms: the largest. */
  lagMs: { max: number };
  /** HdrHistogram of the corrected latency (µs), compressed, base64. */
  histogram: string;
}

/** The `latency.intervals` section. */
export interface IntervalSeries {
  intervalMs: number;
  entries: IntervalEntry[];
}

/** Live state of one interval while requests due in it may still be in flight. */
interface OpenInterval {
  index: number;
  histogram: Histogram;
  requests: number;
  completed: number;
  errors: number;
  rateLimited: number;
  lagMaxUs: number;
  /** Requests due in this interval that have not settled. */
  pending: number;
}

export type OutcomeKind = 'ok' | 'error' | 'rate-limited';

/**
 * Per-interval recorder of the load phase, fed by a small hook in the load loop. Latency and lag
 * are filed under the interval the request was *due* in, so a stall shows when it happened, not
 * when the queue behind it drained; completions, errors and 429s under the interval the answer
 * *arrived* in (throughput). Interval boundaries are multiples of the length on the wall clock
 * (epoch), so reports from several machines line up and merge exactly.
 *
 * An interval is encoded and its histogram dropped as soon as it lies in the past and none of its
 * requests is in flight, so a day-long run keeps only the few histograms still filling.
 */
export class IntervalRecorder {
  private readonly open = new Map<number, OpenInterval>();
  private readonly done: IntervalEntry[] = [];
  /** Epoch milliseconds of performance.now() === 0. */
  private readonly epochOffset: number;
  /** Latest due time dispatched: the load loops dispatch in due order, so earlier intervals get no new requests. */
  private lastDue = Number.NEGATIVE_INFINITY;

  constructor(
    readonly intervalMs: number = DEFAULT_INTERVAL_MS,
    epochOffset: number = performance.timeOrigin,
  ) {
    if (!(intervalMs > 0)) throw new RangeError(`interval must be > 0 ms, got ${intervalMs}`);
    this.epochOffset = epochOffset;
  }

  private indexOf(perfMs: number): number {
    return Math.floor((this.epochOffset + perfMs) / this.intervalMs);
  }

  private slot(perfMs: number): OpenInterval {
    const index = this.indexOf(perfMs);
    let s = this.open.get(index);
    if (!s) {
      s = {
        index,
        histogram: createIntervalHistogram(),
        requests: 0,
        completed: 0,
        errors: 0,
        rateLimited: 0,
        lagMaxUs: 0,
        pending: 0,
      };
      this.open.set(index, s);
    }
    return s;
  }

  /** A request due at `dueAt` (performance.now() ms) was handed to the client `lagUs` late. */
  dispatched(dueAt: number, lagUs: number): void {
    const s = this.slot(dueAt);
    if (dueAt > this.lastDue) this.lastDue = dueAt;
    s.pending++;
    if (lagUs > s.lagMaxUs) s.lagMaxUs = lagUs;
  }

  /** The request due at `dueAt` settled at `now`: corrected latency in µs (ignored for 429s). */
  settled(dueAt: number, now: number, kind: OutcomeKind, correctedUs: number): void {
    const due = this.slot(dueAt);
    due.pending--;
    if (kind !== 'rate-limited') {
      due.requests++;
      recordMicros(due.histogram, correctedUs);
    }
    const arrived = this.slot(now);
    arrived.completed++;
    if (kind === 'error') arrived.errors++;
    else if (kind === 'rate-limited') arrived.rateLimited++;
    this.sweep(now);
  }

  /** Encodes intervals that can no longer change. */
  private sweep(now: number): void {
    const current = Math.min(this.indexOf(now), this.indexOf(this.lastDue));
    for (const s of this.open.values()) {
      if (s.index < current && s.pending <= 0) {
        this.done.push(this.close(s));
        this.open.delete(s.index);
      }
    }
  }

  private close(s: OpenInterval): IntervalEntry {
    const h = s.histogram;
    const ms = (us: number) => Math.round(us) / 1000;
    const none = h.totalCount === 0;
    return {
      start: new Date(s.index * this.intervalMs).toISOString(),
      coveredMs: this.intervalMs,
      completed: s.completed,
      errors: s.errors,
      rateLimited: s.rateLimited,
      requests: s.requests,
      clientMs: {
        p50: none ? 0 : ms(h.getValueAtPercentile(50)),
        p90: none ? 0 : ms(h.getValueAtPercentile(90)),
        p99: none ? 0 : ms(h.getValueAtPercentile(99)),
        max: none ? 0 : ms(h.getValueAtPercentile(100)),
      },
      lagMs: { max: ms(s.lagMaxUs) },
      histogram: encodeHistogram(h),
    };
  }

  /**
   * The series in time order, gaps filled with empty intervals. `fromMs`/`toMs`
   * (performance.now()) mark the load phase, so coverage at both ends is exact.
   */
  finish(fromMs: number, toMs: number): IntervalSeries {
    for (const s of this.open.values()) this.done.push(this.close(s));
    this.open.clear();
    const byIndex = new Map(this.done.map((e) => [Date.parse(e.start) / this.intervalMs, e]));
    // The run's end is exclusive: a run ending on a boundary has no interval after it.
    const lastIndex = Math.max(
      this.indexOf(fromMs),
      Math.ceil((this.epochOffset + toMs) / this.intervalMs) - 1,
    );
    const indexes = [...byIndex.keys(), this.indexOf(fromMs), lastIndex];
    const first = Math.min(...indexes);
    const last = Math.max(...indexes);
    const entries: IntervalEntry[] = [];
    const from = this.epochOffset + fromMs;
    const to = Math.max(from + 1, this.epochOffset + toMs);
    for (let i = first; i <= last; i++) {
      const e = byIndex.get(i) ?? emptyEntry(i, this.intervalMs);
      const start = i * this.intervalMs;
      // Only the two ends of a run cover part of their interval.
      e.coveredMs = Math.max(1, Math.round(Math.min(start + this.intervalMs, to) - Math.max(start, from)));
      entries.push(e);
    }
    return { intervalMs: this.intervalMs, entries };
  }
}

/** An interval in which nothing was due and nothing arrived (the whole length was covered). */
export function emptyEntry(index: number, intervalMs: number): IntervalEntry {
  return {
    start: new Date(index * intervalMs).toISOString(),
    coveredMs: intervalMs,
    completed: 0,
    errors: 0,
    rateLimited: 0,
    requests: 0,
    clientMs: { p50: 0, p90: 0, p99: 0, max: 0 },
    lagMs: { max: 0 },
    histogram: emptyHistogram(),
  };
}

/** Decodes an interval histogram into the fast (array-backed) layout; the packed one is ~30× slower to read. */
export function decodeIntervalHistogram(base64: string): Histogram {
  return decodeCompressedInt32(base64);
}

/** A fresh interval histogram: array-backed (~70 KB), so only the few still-filling intervals are live. */
export function createIntervalHistogram(): Histogram {
  return buildInt32(HISTOGRAM_SETTINGS);
}

let empty: string | undefined;
function emptyHistogram(): string {
  empty ??= encodeHistogram(createIntervalHistogram());
  return empty;
}
