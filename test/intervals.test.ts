import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntervalSeries } from '../src/load/intervals.js';
import { runChecks } from '../src/index.js';
import { mergeReports } from '../src/merge/merge-reports.js';
import { validateReport } from '../src/report/validate-report.js';
import type { Report } from '../src/types.js';

/**
 * Latency over time against a server that blocks its event loop for BLOCK ms at exact multiples
 * of PERIOD ms after it started listening: the per-interval data must show the stalls when they
 * happened.
 */
const BLOCK = 800;
const PERIOD = 2000;
const INTERVAL = 250;

let child: ChildProcess;
let url: string;
/** Epoch ms at which the server started its stall clock (it prints its URL right after). */
let serverT0: number;
let report: Report;

beforeAll(async () => {
  const bin = fileURLToPath(new URL('../dist/fixtures/stall-server.js', import.meta.url));
  child = spawn(process.execPath, [bin, String(BLOCK), String(PERIOD), '20000'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  url = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`stall server exited ${code}`)));
  });
  serverT0 = Date.now();
  report = await runChecks({
    target: url,
    endpoint: ['GET /'],
    checks: 'slo',
    rate: 200,
    duration: 5,
    interval: INTERVAL / 1000,
  });
}, 40_000);
afterAll(() => {
  child?.kill('SIGTERM');
});

describe('latency over time', () => {
  it('the JSON report carries one entry per interval, with absolute starts, and validates', () => {
    expect(validateReport(JSON.parse(JSON.stringify(report)))).toBeUndefined();
    const series = report.latency?.intervals as IntervalSeries;
    expect(series.intervalMs).toBe(INTERVAL);
    const starts = series.entries.map((e) => Date.parse(e.start));
    for (const s of starts) expect(s % INTERVAL).toBe(0);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBe(INTERVAL);
    const sum = (k: 'completed' | 'requests' | 'rateLimited') => series.entries.reduce((a, e) => a + e[k], 0);
    expect(sum('completed')).toBe(report.latency!.requests);
    expect(sum('requests')).toBe(report.latency!.requests - report.latency!.rateLimited);
  });

  it('shows each stall in the intervals it happened in, and nowhere else', () => {
    const series = report.latency?.intervals as IntervalSeries;
    const first = Date.parse(series.entries[0]!.start);
    const last = Date.parse(series.entries.at(-1)!.start) + INTERVAL;
    const stalls: Array<[number, number]> = [];
    for (let k = 1; serverT0 + k * PERIOD < last; k++)
      stalls.push([serverT0 + k * PERIOD, serverT0 + k * PERIOD + BLOCK]);
    const inRun = stalls.filter(([s, e]) => s > first + INTERVAL && e < last - INTERVAL);
    expect(inRun.length).toBeGreaterThanOrEqual(1);

    const entryAt = (t: number) =>
      series.entries.find((e) => Date.parse(e.start) <= t && t < Date.parse(e.start) + INTERVAL);
    // Requests due early in a stall wait for its end: at least the rest of the stall.
    for (const [s] of inRun) {
      const early = entryAt(s + 100)!;
      expect(early.clientMs.max).toBeGreaterThan(BLOCK - 100 - INTERVAL);
      // Nothing is answered while the server is blocked (the interval lies wholly inside the stall).
      const inside = series.entries.filter(
        (e) => Date.parse(e.start) >= s + 50 && Date.parse(e.start) + INTERVAL <= s + BLOCK - 50,
      );
      for (const e of inside) expect(e.completed).toBe(0);
    }
    // Away from any stall (one interval of margin either side, for the clock estimate), p99 is a
    // small fraction of the stall-time p99s measured in the same run.
    const near = (e: { start: string }) =>
      stalls.some(
        ([s, end]) => Date.parse(e.start) + INTERVAL > s - INTERVAL && Date.parse(e.start) < end + INTERVAL,
      );
    const calm = series.entries.filter((e) => !near(e) && e.requests > 0 && e.coveredMs === INTERVAL);
    const stalled = inRun.map(([s]) => entryAt(s + 100)!.clientMs.p99);
    expect(calm.length).toBeGreaterThanOrEqual(2);
    for (const e of calm) expect(e.clientMs.p99).toBeLessThan(Math.min(...stalled) / 3);
  });

  it('merge combines two runs by absolute time, exactly', () => {
    const merged = mergeReports([report, report]);
    const a = report.latency?.intervals as IntervalSeries;
    const m = merged.latency?.intervals as IntervalSeries;
    expect(m.entries.map((e) => e.start)).toEqual(a.entries.map((e) => e.start));
    expect(m.entries.map((e) => e.requests)).toEqual(a.entries.map((e) => 2 * e.requests));
    expect(m.entries.map((e) => e.clientMs)).toEqual(a.entries.map((e) => e.clientMs));
    expect(validateReport(JSON.parse(JSON.stringify(merged)))).toBeUndefined();
  });
});
