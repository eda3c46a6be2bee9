import { describe, expect, it } from 'vitest';
import { testReport } from '../../test/helpers/report.js';
import { HardenError } from '../errors.js';
import { createLoadStats, recordOutcome } from '../load/stats.js';
import { summarizeLoad } from '../load/summarize.js';
import type { Report } from '../types.js';
import { assertDistinctRuns } from './duplicates.js';

/** A run of `n` requests of `ms`; every report shares the helper's start time and target. */
function run(n: number, ms: number, shard?: { index: number; total: number }): Report {
  const stats = createLoadStats('open', 100, 8, ['GET /x']);
  stats.startedAt = 0;
  stats.endedAt = 2000;
  for (let i = 0; i < n; i++)
    recordOutcome(stats, stats.endpoints.get('GET /x')!, 200, undefined, ms * 1000, ms * 1000, 1);
  return testReport([], {
    latency: summarizeLoad(stats, undefined),
    ...(shard ? { execution: { shard: { ...shard, source: 'flag', probes: shard.index === 1 } } } : {}),
  });
}

const refusal = (reports: Report[], paths: string[]) => {
  try {
    assertDistinctRuns(reports, paths, paths);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(HardenError);
    return { exit: (err as HardenError).exitCode, message: (err as HardenError).message };
  }
};

describe('assertDistinctRuns', () => {
  it('refuses one file given twice, and an identical report under another name, naming both', () => {
    const a = run(200, 5);
    expect(refusal([a, run(200, 7)], ['/r/a.json', '/r/a.json'])).toEqual({
      exit: 2,
      message: expect.stringMatching(/\/r\/a\.json and \/r\/a\.json are the same file/),
    });
    const copy = JSON.parse(JSON.stringify(a)) as Report;
    expect(refusal([a, run(200, 7), copy], ['a.json', 'b.json', 'c.json'])).toEqual({
      exit: 2,
      message: expect.stringMatching(/a\.json and c\.json are the same run/),
    });
  });

  it('accepts different runs with the same start and target, and shards with equal histograms', () => {
    expect(refusal([run(200, 5), run(201, 5)], ['a.json', 'b.json'])).toBeUndefined();
    const shards = [run(100, 5, { index: 1, total: 2 }), run(100, 5, { index: 2, total: 2 })];
    expect(shards[0]!.latency!.histogram).toBe(shards[1]!.latency!.histogram);
    expect(refusal(shards, ['s1.json', 's2.json'])).toBeUndefined();
  });
});
