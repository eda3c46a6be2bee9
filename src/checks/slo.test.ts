import { describe, expect, it } from 'vitest';
import { createHistogram, encodeHistogram, recordMicros } from '../load/histogram.js';
import { createLoadStats, recordOutcome } from '../load/stats.js';
import { evidenceFromSummary, summarizeLoad } from '../load/summarize.js';
import type { LatencySummary } from '../types.js';
import type { CheckContext } from './define.js';
import { availability, errorRate, p95, p99, samplesForQuantile, samplesForRate } from './slo.js';

const SLO = { p95Ms: 100, p99Ms: 500, errorRate: 0.001, availability: 0.999 };

/** Evidence from `latenciesMs` (one per request) with `errors` 5xx among them and an optional client lag. */
function ctx(latenciesMs: number[], errors = 0, lagMaxMs = 1): CheckContext {
  const h = createHistogram();
  for (const ms of latenciesMs) recordMicros(h, ms * 1000);
  const summary: LatencySummary = {
    requests: latenciesMs.length,
    errors,
    rateLimited: 0,
    throughputRps: 100,
    clientMs: { p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 },
    histogram: encodeHistogram(h),
    successes: latenciesMs.length - errors,
    clientLagMs: { p99: lagMaxMs, max: lagMaxMs },
  };
  return { slo: SLO, endpointSlo: {}, latency: evidenceFromSummary(summary) } as unknown as CheckContext;
}

const fast = (n: number) => Array.from({ length: n }, () => 5);
const statusOf = (check: typeof p95, c: CheckContext) => check.evaluate(c).map((f) => f.status);

describe('the sample rule (docs/contract.md)', () => {
  it('needs 200 requests for p95, 1,000 for p99 and for a 0.1 % rate', () => {
    expect(samplesForQuantile(0.95)).toBe(200);
    expect(samplesForQuantile(0.99)).toBe(1000);
    expect(samplesForRate(0.001)).toBe(1000);
  });

  it('few fast samples are inconclusive, never a pass', () => {
    expect(statusOf(p95, ctx(fast(199)))).toEqual(['warn']);
    expect(statusOf(p95, ctx(fast(200)))).toEqual(['pass']);
    expect(statusOf(p99, ctx(fast(999)))).toEqual(['warn']);
    expect(statusOf(p99, ctx(fast(1000)))).toEqual(['pass']);
  });

  it('few samples prove a failure once more than (1 − q) exceed the target', () => {
    // 6 of 100 over 100 ms: more than 5 % → p95 fails at any count.
    expect(statusOf(p95, ctx([...fast(94), ...Array(6).fill(150)]))).toEqual(['fail']);
    // 5 of 100 is not more than 5 %: still inconclusive.
    expect(statusOf(p95, ctx([...fast(95), ...Array(5).fill(150)]))).toEqual(['warn']);
  });

  it('a conclusive p99 above target fails', () => {
    expect(statusOf(p99, ctx([...fast(980), ...Array(20).fill(800)]))).toEqual(['fail']);
  });

  it('error rate: any observed share above target fails; a pass needs 1/r requests', () => {
    expect(statusOf(errorRate, ctx(fast(100), 1))).toEqual(['fail']);
    expect(statusOf(errorRate, ctx(fast(500), 0))).toEqual(['warn']);
    expect(statusOf(errorRate, ctx(fast(1000), 0))).toEqual(['pass']);
    expect(statusOf(errorRate, ctx(fast(2000), 1))).toEqual(['pass']);
    expect(statusOf(errorRate, ctx(fast(2000), 2))).toEqual(['fail']);
  });

  it('availability follows the same rule', () => {
    expect(statusOf(availability, ctx(fast(1000), 0))).toEqual(['pass']);
    expect(statusOf(availability, ctx(fast(1000), 2))).toEqual(['fail']);
    expect(statusOf(availability, ctx(fast(999), 0))).toEqual(['warn']);
  });

  it('a client behind its schedule makes latency verdicts inconclusive, naming the lag', () => {
    const c = ctx(fast(2000), 0, 400);
    const [finding] = p99.evaluate(c);
    expect(finding?.status).toBe('warn');
    expect(finding?.messageId).toBe('lag');
    expect(finding?.data?.lag).toBe(400);
  });

  it('without a load phase the slo checks skip', () => {
    expect(p95.evaluate({ slo: SLO, endpointSlo: {} } as unknown as CheckContext)[0]?.status).toBe('skip');
  });
});

describe('what counts as available', () => {
  function fromStatuses(statuses: number[]): CheckContext {
    const stats = createLoadStats('open', 100, 1, ['GET /x']);
    stats.startedAt = 0;
    stats.endedAt = 10_000;
    for (const status of statuses)
      recordOutcome(stats, stats.endpoints.get('GET /x')!, status, undefined, 5000, 5000, 1);
    return {
      slo: SLO,
      endpointSlo: {},
      latency: evidenceFromSummary(summarizeLoad(stats, undefined)),
    } as unknown as CheckContext;
  }

  it('2xx and 3xx are successful; a 4xx answer is not, a 429 is counted apart', () => {
    const ok = fromStatuses([...Array(990).fill(200), ...Array(10).fill(304), ...Array(50).fill(429)]);
    expect(statusOf(availability, ok)).toEqual(['pass']);
    const errorPages = fromStatuses(Array(1200).fill(404));
    expect(statusOf(availability, errorPages)).toEqual(['fail']);
    // A 404 is not a server error: the error rate stays clean while availability fails.
    expect(statusOf(errorRate, errorPages)).toEqual(['pass']);
  });

  it('without load evidence: inconclusive with the reason when a load was wanted, skip for --duration 0', () => {
    const wanted = { slo: SLO, endpointSlo: {}, loadNotRun: 'no measurable endpoint: GET / is not serving' };
    const findings = availability.evaluate(wanted as unknown as CheckContext);
    expect(findings.map((f) => [f.status, f.messageId, f.data?.reason])).toEqual([
      ['warn', 'notRun', 'no measurable endpoint: GET / is not serving'],
    ]);
    expect(statusOf(p99, { slo: SLO, endpointSlo: {} } as unknown as CheckContext)).toEqual(['skip']);
  });
});
