import { describe, expect, it } from 'vitest';
import { testReport } from '../../test/helpers/report.js';
import { HardenError } from '../errors.js';
import type { PlanRecord } from '../load/execution.js';
import { createLoadStats, recordOutcome } from '../load/stats.js';
import { summarizeLoad } from '../load/summarize.js';
import type { Report } from '../types.js';
import { mergeReports } from './merge-reports.js';
import { validateReport } from '../report/validate-report.js';

const PLAN: PlanRecord = {
  model: 'open',
  rate: 300,
  requests: 1200,
  durationSec: 4,
  targets: [{ endpoint: 'GET /x', weight: 1 }],
};

/** Shard `index` of `total`: its share of 1,200 requests of 5 ms. */
function shard(index: number, total: number, plan: PlanRecord = PLAN, target = 'http://127.0.0.1:9'): Report {
  const stats = createLoadStats('open', 300 / total, 8, ['GET /x']);
  stats.startedAt = 0;
  stats.endedAt = 4000;
  for (let k = index - 1; k < plan.requests; k += total)
    recordOutcome(stats, stats.endpoints.get('GET /x')!, 200, undefined, 5000, 4000, 3);
  return testReport(
    index === 1
      ? [{ id: 'security.nosniff', category: 'security', status: 'pass', endpoint: 'GET /x', message: 'ok' }]
      : [],
    {
      target,
      latency: summarizeLoad(stats, undefined),
      execution: { plan, shard: { index, total, source: 'flag', probes: index === 1 } },
    },
  );
}

const code = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return [(err as HardenError).code, (err as HardenError).message];
  }
  return ['none', ''];
};

describe('merging shards', () => {
  it('complete, complementary shards merge into the single-machine run and are judged as one', () => {
    const merged = mergeReports([shard(2, 3), shard(1, 3), shard(3, 3)]);
    expect(validateReport(merged)).toBeUndefined();
    expect(merged.latency?.requests).toBe(1200);
    expect(merged.latency?.requestedRps).toBe(300);
    expect(merged.execution?.shards).toEqual({ total: 3, indexes: [1, 2, 3], probesOn: [1] });
    expect(merged.execution?.plan).toEqual(PLAN);
    // 400 requests per shard cannot support a p99 pass (1,000 needed); the merged 1,200 can.
    expect(merged.checks.find((c) => c.id === 'slo.latency.p99')?.status).toBe('pass');
    expect(merged.checks.filter((c) => c.id === 'security.nosniff')).toHaveLength(1);
  });

  it('a missing shard is a clear error naming it (exit 2)', () => {
    const [c, message] = code(() =>
      mergeReports([shard(1, 3), shard(3, 3)], { names: ['a.json', 'c.json'] }),
    );
    expect(c).toBe('SHARDS_INCOMPLETE');
    expect(message).toMatch(/shard 2\/3 missing/);
    expect(new HardenError('SHARDS_INCOMPLETE', '').exitCode).toBe(2);
  });

  it('rejects a repeated index, another plan, another target, another total or a plain report', () => {
    expect(code(() => mergeReports([shard(1, 2), shard(1, 2)]))[1]).toMatch(/appears twice/);
    expect(code(() => mergeReports([shard(1, 2), shard(2, 2, { ...PLAN, rate: 299 })]))[1]).toMatch(
      /another load plan/,
    );
    expect(code(() => mergeReports([shard(1, 2), shard(2, 2, PLAN, 'http://127.0.0.1:10')]))[1]).toMatch(
      /targets/,
    );
    expect(code(() => mergeReports([shard(1, 2), shard(2, 3)]))[0]).toBe('SHARDS_MISMATCH');
    const stricter = shard(2, 2);
    stricter.slo = { ...stricter.slo, p95Ms: 50 };
    expect(code(() => mergeReports([shard(1, 2), stricter]))[1]).toMatch(/other SLO targets/);
    const plain = testReport([]);
    expect(code(() => mergeReports([shard(1, 2), plain]))[1]).toMatch(/is not a shard/);
  });

  it('a shard that was interrupted makes the merged slo passes inconclusive', () => {
    const cut = shard(2, 2);
    cut.execution!.interrupted = { signal: 'SIGINT', phase: 'load', atMs: 1000, sent: 100, planned: 600 };
    const merged = mergeReports([shard(1, 2), cut]);
    expect(merged.execution?.interrupted).toMatchObject({ sent: 700, planned: 1200 });
    const p99 = merged.checks.find((c) => c.id === 'slo.latency.p99')!;
    expect(p99.status).toBe('warn');
    expect(p99.message).toMatch(/^inconclusive: the run was interrupted \(SIGINT\) after 700 of 1200/);
  });
});
