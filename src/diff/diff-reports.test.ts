import { describe, expect, it } from 'vitest';
import { testReport } from '../../test/helpers/report.js';
import { createLoadStats, recordOutcome } from '../load/stats.js';
import { summarizeLoad } from '../load/summarize.js';
import { mergeReports } from '../merge/merge-reports.js';
import type { CheckResult, Report } from '../types.js';
import { diffReports } from './diff-reports.js';
import { seededRandom } from './quantile-bootstrap.js';
import { DEFAULT_THRESHOLDS, parseThresholds } from './thresholds.js';

/** Log-normal latencies (median `medianMs`, σ = 0.5) from a seeded PRNG, in µs. */
function sample(random: () => number, n: number, medianMs: number, addMs = 0): number[] {
  return Array.from({ length: n }, () => {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return (medianMs * Math.exp(0.5 * z) + addMs) * 1000;
  });
}

function reportOf(values: number[], checks: CheckResult[] = []): Report {
  const s = createLoadStats('open', 100, 8, ['GET /a']);
  s.startedAt = 0;
  s.endedAt = 10_000;
  for (const us of values) recordOutcome(s, s.endpoints.get('GET /a')!, 200, undefined, us, us, undefined);
  return testReport(checks, { latency: summarizeLoad(s, undefined) });
}

const pass = (id: string, endpoint: string): CheckResult => ({
  id,
  category: 'security',
  status: 'pass',
  endpoint,
  message: 'ok',
});

describe('latency regression gate', () => {
  it('calls two samples of the same distribution "within noise" at least 19 times out of 20', () => {
    const random = seededRandom(20261130);
    let quiet = 0;
    for (let i = 0; i < 20; i++) {
      const diff = diffReports(reportOf(sample(random, 2000, 20)), reportOf(sample(random, 2000, 20)), {
        thresholds: DEFAULT_THRESHOLDS,
      });
      if (diff.verdict === 'ok' && diff.latency.every((l) => l.verdict === 'within noise')) quiet++;
    }
    expect(quiet).toBeGreaterThanOrEqual(19);
  });

  it('flags a shift larger than the threshold and the noise, and names the percentile', () => {
    const random = seededRandom(7);
    const diff = diffReports(reportOf(sample(random, 2000, 20)), reportOf(sample(random, 2000, 20, 10)), {
      thresholds: DEFAULT_THRESHOLDS,
    });
    expect(diff.verdict).toBe('regression');
    const p50 = diff.latency.find((l) => l.scope === 'all' && l.percentile === 'p50')!;
    expect(p50.verdict).toBe('regression');
    expect(p50.intervalMs!.low).toBeGreaterThan(0);
    expect(diff.latency.filter((l) => l.scope === 'GET /a').map((l) => l.percentile)).toEqual([
      'p50',
      'p95',
      'p99',
    ]);
  });

  it('a large change in a small sample is within noise, not a regression', () => {
    // 30 requests each; one slow outlier makes the new median look 40 % higher by chance.
    const old = Array.from({ length: 30 }, (_, i) => (10 + (i % 10)) * 1000);
    const current = Array.from({ length: 30 }, (_, i) => (10 + ((i * 7) % 13)) * 1000);
    const diff = diffReports(reportOf(old), reportOf(current), { thresholds: parseThresholds(['p50=5%']) });
    const p50 = diff.latency.find((l) => l.scope === 'all' && l.percentile === 'p50')!;
    expect(p50.verdict).toBe('within noise');
    expect(diff.latency.find((l) => l.percentile === 'p99')?.verdict).toBe('insufficient data');
  });

  it('is deterministic: the same two reports give the same intervals', () => {
    const random = seededRandom(3);
    const a = reportOf(sample(random, 500, 20));
    const b = reportOf(sample(random, 500, 22));
    const t = { thresholds: DEFAULT_THRESHOLDS };
    expect(diffReports(a, b, t).latency).toEqual(diffReports(a, b, t).latency);
  });
});

describe('check changes and comparability', () => {
  it('groups newly failing, newly warning and fixed checks by id with their endpoints', () => {
    const old = testReport([
      pass('security.nosniff', 'GET /a'),
      pass('security.nosniff', 'GET /b'),
      { ...pass('security.csp', 'GET /a'), status: 'warn' },
      pass('errors.schema', 'GET /a'),
    ]);
    const current = testReport([
      { ...pass('security.nosniff', 'GET /a'), status: 'fail' },
      { ...pass('security.nosniff', 'GET /b'), status: 'fail' },
      pass('security.csp', 'GET /a'),
      { ...pass('errors.schema', 'GET /a'), status: 'warn' },
    ]);
    const diff = diffReports(old, current, { thresholds: DEFAULT_THRESHOLDS });
    expect(diff.checks.newlyFailing).toMatchObject([
      { id: 'security.nosniff', endpoints: ['GET /a', 'GET /b'] },
    ]);
    expect(diff.checks.newlyWarning.map((c) => c.id)).toEqual(['errors.schema']);
    expect(diff.checks.fixed.map((c) => c.id)).toEqual(['security.csp']);
    expect(diff.verdict).toBe('regression');
  });

  it('names what makes two runs incomparable', () => {
    const a = testReport([pass('security.nosniff', 'GET /a')]);
    const b = testReport([pass('security.nosniff', 'GET /b')], {
      target: 'http://127.0.0.1:10',
      rulesVersion: 'other',
    });
    const diff = diffReports(a, b, { thresholds: DEFAULT_THRESHOLDS });
    expect(diff.verdict).toBe('incomparable');
    expect(diff.incomparable.join('\n')).toMatch(/targets[\s\S]*rule sets[\s\S]*GET \/a[\s\S]*GET \/b/);
  });

  it('does not judge against a run that could not reach its target', () => {
    const failing = testReport([{ ...pass('security.nosniff', 'GET /a'), status: 'fail' }]);
    const errored = testReport([], {
      verdict: 'error',
      error: { code: 'TARGET_UNREACHABLE', message: 'http://127.0.0.1:9 is unreachable (ECONNREFUSED)' },
    });
    const after = diffReports(failing, errored, { thresholds: DEFAULT_THRESHOLDS });
    expect(after.verdict).toBe('incomparable');
    expect(after.incomparable[0]).toMatch(/the new run could not judge its target \(.*ECONNREFUSED\)/);
    const before = diffReports(errored, failing, { thresholds: DEFAULT_THRESHOLDS });
    expect(before.verdict).toBe('incomparable');
    expect(before.incomparable[0]).toMatch(/the old run could not judge its target/);
  });

  it('compares merged shards with a single run, but not one shard; an interrupted run is partial, an aborted one is judged', () => {
    const random = seededRandom(15);
    const single = reportOf(sample(random, 3000, 20));
    const plan = { model: 'open' as const, rate: 300, requests: 3000, durationSec: 10, targets: [] };
    const shards = [1, 2, 3].map((index) => ({
      ...reportOf(sample(random, 1000, 20)),
      execution: { plan, shard: { index, total: 3, source: 'flag' as const, probes: index === 1 } },
    }));
    const merged = mergeReports(shards);
    expect(merged.execution?.shards?.indexes).toEqual([1, 2, 3]);
    // A merge writes the current rule set; the single run is of the same version.
    const whole = diffReports({ ...single, rulesVersion: merged.rulesVersion }, merged, {
      thresholds: DEFAULT_THRESHOLDS,
    });
    expect(whole.incomparable).toEqual([]);
    expect(whole.latency.find((l) => l.scope === 'all' && l.percentile === 'p99')?.newCount).toBe(3000);

    const one = diffReports(single, shards[1]!, { thresholds: DEFAULT_THRESHOLDS });
    expect(one.verdict).toBe('incomparable');
    expect(one.incomparable).toEqual([
      'the new run is shard 2/3 of a sharded run: merge its shards (harden-check merge) and compare the merged report',
    ]);
    expect(one.latency).toEqual([]);

    const stop = { atMs: 1200, sent: 400, planned: 3000 };
    const interrupted = {
      ...reportOf(sample(random, 400, 20)),
      execution: { interrupted: { ...stop, signal: 'SIGINT', phase: 'load' as const } },
    };
    expect(diffReports(interrupted, single, { thresholds: DEFAULT_THRESHOLDS }).incomparable).toEqual([
      'the old run was interrupted (SIGINT) after 400 of 3000 planned requests',
    ]);
    const fail: CheckResult = { id: 'slo.latency.p95', category: 'slo', status: 'fail', message: 'over' };
    const aborted = {
      ...reportOf(sample(random, 400, 20), [fail]),
      execution: {
        aborted: { ...stop, check: 'slo.latency.p95', requests: 400, reason: 'P95 is above target' },
      },
    };
    const judged = diffReports(single, aborted, { thresholds: DEFAULT_THRESHOLDS });
    expect(judged.verdict).toBe('regression');
    expect(judged.checks.newlyFailing.map((c) => c.id)).toEqual(['slo.latency.p95']);
  });

  it('parses --max-regression values and rejects bad ones', () => {
    expect(parseThresholds(['p99=10%,p50=off', 'p95=15ms'])).toEqual({
      p95: { kind: 'ms', value: 15 },
      p99: { kind: 'percent', value: 10 },
    });
    expect(() => parseThresholds(['p98=10%'])).toThrow(/PERCENTILE=N%/);
  });
});
