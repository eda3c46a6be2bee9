import { describe, expect, it } from 'vitest';
import { mergeIntervals } from '../merge/merge-intervals.js';
import { decodeHistogram } from './histogram.js';
import { IntervalRecorder } from './intervals.js';

/** A recorder whose performance-clock zero sits at epoch 10 000 000 ms, so slots are easy to name. */
const ZERO = 10_000_000;

describe('interval recorder', () => {
  it('files latency by due time and completions by arrival time, on epoch-aligned intervals', () => {
    const r = new IntervalRecorder(1000, ZERO);
    // Due at 0.1 s and answered at once; due at 0.5 s but answered at 2.2 s (a stall).
    r.dispatched(100, 0);
    r.settled(100, 105, 'ok', 5_000);
    r.dispatched(500, 0);
    r.dispatched(1500, 2_000);
    r.settled(500, 2200, 'ok', 1_700_000);
    r.settled(1500, 2200, 'error', 700_000);
    r.dispatched(2300, 0);
    r.settled(2300, 2310, 'rate-limited', 10_000);
    const { intervalMs, entries } = r.finish(0, 2400);
    expect(intervalMs).toBe(1000);
    expect(entries.map((e) => e.start)).toEqual(
      [10_000_000, 10_001_000, 10_002_000].map((t) => new Date(t).toISOString()),
    );
    expect(entries.map((e) => e.requests)).toEqual([2, 1, 0]);
    expect(entries.map((e) => e.completed)).toEqual([1, 0, 3]);
    expect(entries.map((e) => e.errors)).toEqual([0, 0, 1]);
    expect(entries.map((e) => e.rateLimited)).toEqual([0, 0, 1]);
    expect(entries[0]!.clientMs.max).toBeCloseTo(1700, -1);
    expect(entries[1]!.clientMs.p50).toBeCloseTo(700, -1);
    expect(entries[1]!.lagMs.max).toBe(2);
    expect(entries.map((e) => e.coveredMs)).toEqual([1000, 1000, 400]);
    expect(decodeHistogram(entries[0]!.histogram).totalCount).toBe(2);
  });

  it('fills gaps with empty intervals and covers part of the first one when the run starts mid-interval', () => {
    const r = new IntervalRecorder(500, ZERO);
    r.dispatched(250, 0);
    r.settled(250, 260, 'ok', 10_000);
    r.dispatched(1800, 0);
    r.settled(1800, 1810, 'ok', 10_000);
    const { entries } = r.finish(200, 1900);
    expect(entries).toHaveLength(4);
    expect(entries.map((e) => e.coveredMs)).toEqual([300, 500, 500, 400]);
    expect(entries.map((e) => e.requests)).toEqual([1, 0, 0, 1]);
    expect(decodeHistogram(entries[1]!.histogram).totalCount).toBe(0);
  });

  it('rejects a non-positive interval', () => {
    expect(() => new IntervalRecorder(0)).toThrow(RangeError);
  });
});

describe('merging intervals', () => {
  function series(epochOffset: number, intervalMs: number, dues: number[]) {
    const r = new IntervalRecorder(intervalMs, epochOffset);
    for (const d of dues) {
      r.dispatched(d, 0);
      r.settled(d, d + 5, 'ok', (d % 97) * 1000 + 1000);
    }
    return r.finish(0, Math.max(...dues) + 10);
  }

  it('adds entries that start at the same absolute time, histogram by histogram', () => {
    const a = series(ZERO, 1000, [100, 200, 1100]);
    // Another machine whose clock zero is 1 s later: its first interval is the first one's second.
    const b = series(ZERO + 1000, 1000, [50, 1900]);
    const merged = mergeIntervals([a, b])!;
    expect(merged.entries.map((e) => e.start)).toEqual(
      [10_000_000, 10_001_000, 10_002_000].map((t) => new Date(t).toISOString()),
    );
    expect(merged.entries.map((e) => e.requests)).toEqual([2, 2, 1]);
    const second = decodeHistogram(merged.entries[1]!.histogram);
    const parts = [a.entries[1]!, b.entries[0]!].map((e) => decodeHistogram(e.histogram));
    expect(second.totalCount).toBe(parts[0]!.totalCount + parts[1]!.totalCount);
    expect(second.maxValue).toBe(Math.max(parts[0]!.maxValue, parts[1]!.maxValue));
  });

  it('merges a shorter interval into a longer one that it divides, and refuses one it does not', () => {
    const fine = series(ZERO, 500, [100, 600, 1200]);
    const coarse = series(ZERO, 1000, [300]);
    const merged = mergeIntervals([fine, coarse])!;
    expect(merged.intervalMs).toBe(1000);
    expect(merged.entries.map((e) => e.requests)).toEqual([3, 1]);
    expect(() => mergeIntervals([series(ZERO, 300, [10]), coarse])).toThrow(/same --interval/);
  });
});
