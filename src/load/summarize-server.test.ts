import { describe, expect, it } from 'vitest';
import { mergeLatency } from '../merge/merge-reports.js';
import { percentileRows } from '../report/latency-table.js';
import { createLoadStats, recordOutcome } from './stats.js';
import { summarizeLoad } from './summarize.js';

/** A load run of `n` 200s on one endpoint; each response carried X-Latency-MS `serverMs` (or none). */
function run(n: number, serverMs: number | undefined) {
  const s = createLoadStats('open', 20, 1, ['GET /v1/info']);
  const ep = s.endpoints.get('GET /v1/info')!;
  for (let i = 0; i < n; i++) recordOutcome(s, ep, 200, undefined, 2000, 1500, serverMs);
  s.endedAt = 1000;
  return summarizeLoad(s, undefined);
}

describe('server latency (X-Latency-MS) in the latency summary', () => {
  it('is omitted, with no server row, when no response carried a valid X-Latency-MS', () => {
    const l = run(20, undefined);
    expect(l.requests).toBe(20);
    expect(l).not.toHaveProperty('serverMs');
    expect(l).not.toHaveProperty('serverHistogram');
    expect(percentileRows(l).map((r) => r.label)).not.toContain('server (X-Latency-MS)');
  });

  it('is reported from the values sent, a 0 ms value included', () => {
    expect(Math.round(run(20, 3).serverMs?.p50 ?? -1)).toBe(3);
    expect(run(20, 0)).toHaveProperty('serverMs');
    expect(percentileRows(run(20, 0)).map((r) => r.label)).toContain('server (X-Latency-MS)');
  });

  it('merging keeps it only when some machine measured it', () => {
    expect(mergeLatency([run(10, undefined), run(10, undefined)])).not.toHaveProperty('serverMs');
    const merged = mergeLatency([run(10, undefined), run(10, 4)]);
    expect(Math.round(merged.serverMs?.p50 ?? -1)).toBe(4);
    expect(merged.requests).toBe(20);
  });
});
