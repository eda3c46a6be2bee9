import { describe, expect, it } from 'vitest';
import { testReport } from '../../test/helpers/report.js';
import type { ExecutionRecord } from '../load/execution.js';
import { validateReport } from '../report/validate-report.js';
import type { CheckResult } from '../types.js';
import { cutShort, markCutShort } from './execution-report.js';

const results: CheckResult[] = [
  { id: 'slo.latency.p95', category: 'slo', status: 'pass', message: 'P95 3 ms < 100 ms over 400 requests' },
  {
    id: 'slo.latency.p99',
    category: 'slo',
    status: 'fail',
    message: 'P99 900 ms ≥ 500 ms over 1200 requests',
  },
  { id: 'security.nosniff', category: 'security', status: 'pass', message: 'ok' },
];

const interrupted: ExecutionRecord = {
  plan: {
    model: 'open',
    rate: 100,
    requests: 3000,
    durationSec: 30,
    targets: [{ endpoint: 'GET /', weight: 1 }],
  },
  interrupted: { signal: 'SIGINT', phase: 'load', atMs: 4200, sent: 420, planned: 3000 },
};

describe('a load phase cut short', () => {
  it('keeps proven failures and every non-slo verdict; slo passes become inconclusive with the reason', () => {
    const out = markCutShort(results, interrupted);
    expect(out.map((r) => r.status)).toEqual(['warn', 'fail', 'pass']);
    expect(out[0]!.message).toBe(
      'inconclusive: the run was interrupted (SIGINT) after 420 of 3000 planned requests (so far: P95 3 ms < 100 ms over 400 requests)',
    );
    expect(markCutShort(results, { plan: interrupted.plan })).toEqual(results);
    expect(
      cutShort({
        aborted: {
          check: 'slo.error-rate',
          requests: 1000,
          reason: 'r',
          atMs: 9000,
          sent: 1010,
          planned: 3000,
        },
      }),
    ).toBe('the load phase was aborted early (slo.error-rate failed) after 1010 of 3000 planned requests');
  });

  it('every execution record validates against the report schema', () => {
    const execution: ExecutionRecord = {
      ...interrupted,
      shard: { index: 2, total: 4, source: 'kubernetes', probes: false },
      startedLateMs: 1500,
      aborted: {
        check: 'slo.latency.p95',
        endpoint: 'GET /',
        requests: 200,
        reason: 'r',
        atMs: 1,
        sent: 2,
        planned: 3,
      },
      watch: { ratePerEndpoint: 1, windowSec: 5, windows: 3, timeScale: 60, alerts: [] },
    };
    expect(validateReport(testReport(markCutShort(results, execution), { execution }))).toBeUndefined();
    const bad = { ...execution, shard: { ...execution.shard, index: 0 } };
    expect(validateReport(testReport(results, { execution: bad as ExecutionRecord }))).toMatch(/index/);
  });
});
