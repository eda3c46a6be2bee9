import { describe, expect, it } from 'vitest';
import { percentilesMs } from '../load/histogram.js';
import { createLoadStats, recordOutcome } from '../load/stats.js';
import { summarizeLoad } from '../load/summarize.js';
import type { Report } from '../types.js';
import { mergeLatency, mergeReports } from './merge-reports.js';
import { testReport } from '../../test/helpers/report.js';

/** Deterministic pseudo-random latencies (LCG), µs. */
function latencies(seed: number, n: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const u = x / 2 ** 31;
    return u < 0.97 ? 200 + u * 20_000 : 50_000 + u * 900_000;
  });
}

function statsFor(values: number[], errorsEvery = 0) {
  const s = createLoadStats('open', 100, 8, ['GET /a']);
  s.startedAt = 0;
  s.endedAt = 10_000;
  values.forEach((us, i) => {
    const status = errorsEvery && i % errorsEvery === 0 ? 503 : 200;
    recordOutcome(s, s.endpoints.get('GET /a')!, status, undefined, us, us / 2, Math.floor(us / 2000));
  });
  return s;
}

describe('merge', () => {
  it('is exact: merged percentiles equal those of one histogram fed all the values', () => {
    const a = latencies(1, 3000);
    const b = latencies(2, 2000);
    const merged = mergeLatency([
      summarizeLoad(statsFor(a), undefined),
      summarizeLoad(statsFor(b), undefined),
    ]);
    const all = statsFor([...a, ...b]);
    expect(merged.clientMs).toEqual(percentilesMs(all.client));
    expect(merged.uncorrectedMs).toEqual(percentilesMs(all.uncorrected));
    expect(merged.requests).toBe(5000);
    expect((merged.endpoints as Record<string, { requests: number }>)['GET /a']?.requests).toBe(5000);
  });

  it('re-evaluates the SLO checks on the merged data', () => {
    // Each machine alone has too few requests for a conclusive p99; together they have enough.
    const report = (values: number[]): Report =>
      testReport([{ id: 'slo.latency.p99', category: 'slo', status: 'warn', message: 'inconclusive' }], {
        latency: summarizeLoad(statsFor(values), undefined),
        slo: { p95Ms: 100, p99Ms: 2000, errorRate: 0.001, availability: 0.999 },
      });
    const fastValues = Array.from({ length: 600 }, () => 5000);
    const merged = mergeReports([report(fastValues), report(fastValues)]);
    expect(merged.checks.find((c) => c.id === 'slo.latency.p99')?.status).toBe('pass');
    expect(merged.checks.filter((c) => c.id === 'slo.latency.p99')).toHaveLength(1);
    expect(merged.latency?.requests).toBe(1200);
  });
});
