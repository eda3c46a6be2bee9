import { describe, expect, it } from 'vitest';
import type { SloTargets } from '../types.js';
import { findConclusiveFailure } from './abort.js';
import { createHistogram, recordMicros } from './histogram.js';

const SLO: SloTargets = { p95Ms: 100, p99Ms: 500, errorRate: 0.001, availability: 0.999 };

/** A scope of `fast` requests of 10 ms and `slow` of 200 ms, `errors` of them failed. */
function scope(fast: number, slow: number, errors = 0) {
  const h = createHistogram();
  for (let i = 0; i < fast; i++) recordMicros(h, 10_000);
  for (let i = 0; i < slow; i++) recordMicros(h, 200_000);
  const count = fast + slow;
  return {
    endpoint: undefined,
    targets: SLO,
    hist: () => h,
    count: () => count,
    errors: () => errors,
    successes: () => count - errors,
  };
}

describe('findConclusiveFailure (the sample rule, robust to requests in flight)', () => {
  it('fails P95 once more than 5 % of enough requests are over target', () => {
    expect(findConclusiveFailure(scope(180, 20), 0, 10_000)?.check).toBe('slo.latency.p95');
    // 10 % over target but only 100 requests: not enough for the sample rule…
    expect(findConclusiveFailure(scope(90, 10), 0, 10_000)).toBeUndefined();
    // …unless the share already exceeds 5 % of the whole plan.
    expect(findConclusiveFailure(scope(90, 10), 0, 150)?.check).toBe('slo.latency.p95');
  });

  it('waits while the requests in flight could still bring the share back under', () => {
    // 11 of 200 over target is 5.5 %; 30 fast answers in flight would make it 4.8 %.
    expect(findConclusiveFailure(scope(189, 11), 30, 10_000)).toBeUndefined();
    expect(findConclusiveFailure(scope(189, 11), 0, 10_000)?.check).toBe('slo.latency.p95');
  });

  it('fails the error rate at 1 / r requests and availability likewise', () => {
    const found = findConclusiveFailure(scope(1000, 0, 2), 0, 10_000);
    expect(found?.check).toBe('slo.error-rate');
    expect(found?.reason).toMatch(/2 errors in 1000 requests/);
    expect(findConclusiveFailure(scope(999, 0, 2), 0, 10_000)).toBeUndefined();
    const lenient = { ...scope(1000, 0, 2), targets: { ...SLO, errorRate: 0.01 } };
    expect(findConclusiveFailure(lenient, 0, 10_000)?.check).toBe('slo.availability');
  });

  it('says nothing about a healthy run', () => {
    expect(findConclusiveFailure(scope(5000, 10), 0, 10_000)).toBeUndefined();
  });
});
