import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startDelayServer } from '../fixtures/known-latency.js';
import type { Report } from '../src/types.js';
import { cli } from './helpers/cli.js';
import { spawnCli } from './helpers/spawn-cli.js';

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanup.map((f) => f()));
  cleanup = [];
});

const slo = (r: Report) => r.checks.filter((c) => c.category === 'slo');

describe('Ctrl-C during the load phase', () => {
  it('stops sending at once, finishes requests in flight, prints the partial report marked interrupted, exits 130', async () => {
    // Every answer takes 300 ms, so several requests are in flight at any moment.
    let seen = 0;
    const server = await startDelayServer(() => {
      seen++;
      return 300;
    });
    cleanup.push(server.close);
    const { child, done } = spawnCli([
      server.url,
      '--endpoint',
      'GET /',
      '--checks',
      'slo',
      '--rate',
      '20',
      '--duration',
      '60',
      '--format',
      'json',
      // Targets far above the 300 ms answers: only too few requests can make a verdict inconclusive.
      '--slo-p95',
      '20000',
      '--slo-p99',
      '40000',
    ]);
    // Interrupt once the load phase is well under way (the probe phase sends a couple of requests).
    while (seen < 25 && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const { code, stdout, stderr } = await done;
    const sentToServer = seen;
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/SIGINT: stopping the load/);
    const report = JSON.parse(stdout) as Report;
    const stop = report.execution?.interrupted;
    expect(stop).toMatchObject({ signal: 'SIGINT', phase: 'load', planned: 1200 });
    expect(stop!.sent).toBeLessThan(1200);
    // Nothing was sent after the interruption (the probe phase's requests are the difference)…
    expect(sentToServer - stop!.sent).toBeLessThanOrEqual(3);
    // …and the requests in flight finished instead of being abandoned.
    expect(report.latency?.requests).toBe(stop!.sent);
    expect(report.latency?.transportErrors).toEqual({});
    // Latency over time ends with the run: every answer is in an interval, and the series stops
    // with the interruption instead of running on to the 60 s of the plan.
    const series = report.latency?.intervals as {
      intervalMs: number;
      entries: Array<{ start: string; coveredMs: number; completed: number }>;
    };
    expect(series.entries.reduce((n, e) => n + e.completed, 0)).toBe(stop!.sent);
    expect(series.entries.length).toBeLessThanOrEqual(Math.ceil(stop!.atMs / 1000) + 3);
    // Too little data for any pass: every slo verdict is inconclusive, naming the interruption.
    for (const c of slo(report)) expect(c.status, c.message).toBe('warn');
  }, 60_000);
});

describe('--abort-on-fail', () => {
  it('ends the load phase once an SLO is conclusively failed and says when and why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'harden-abort-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    // 150 ms per answer: P95 (target 100 ms) fails on every request; P99's target is out of reach.
    const server = await startDelayServer(() => 150);
    cleanup.push(server.close);
    const file = join(dir, 'slo.yaml');
    const args = [
      server.url,
      '--endpoint',
      'GET /',
      '--checks',
      'slo',
      '--rate',
      '100',
      '--duration',
      '30',
      '--slo-p99',
      '60000',
    ];
    const r = await cli([...args, '--abort-on-fail', '--format', 'json', '--export-openslo', file]);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    const aborted = report.execution?.aborted;
    expect(aborted).toMatchObject({ check: 'slo.latency.p95', planned: 3000 });
    expect(aborted!.reason).toMatch(/took over 100 ms, more than 5 %/);
    expect(aborted!.requests).toBeGreaterThanOrEqual(100);
    expect(aborted!.sent).toBeLessThan(3000);
    expect(report.latency?.requests).toBe(aborted!.sent);
    const series = report.latency?.intervals as { entries: Array<{ completed: number; requests: number }> };
    expect(series.entries.reduce((n, e) => n + e.completed, 0)).toBe(aborted!.sent);
    expect(series.entries.reduce((n, e) => n + e.requests, 0)).toBe(aborted!.sent);
    expect(slo(report).find((c) => c.id === 'slo.latency.p95')?.status).toBe('fail');
    // A pass cannot rest on a cut-short run.
    expect(slo(report).every((c) => c.status !== 'pass')).toBe(true);
    // The text report says when and why.
    const text = await cli([...args, '--abort-on-fail']);
    expect(text.stdout).toMatch(/load phase aborted after [\d.]+ s .*slo\.latency\.p95/);
    // The judged SLOs are exported as OpenSLO v1.
    const kinds = parseAllDocuments(await readFile(file, 'utf8')).map(
      (d) => (d.toJS() as { kind: string }).kind,
    );
    expect(kinds).toEqual(['Service', 'SLO', 'SLO', 'SLO', 'SLO']);
  }, 90_000);
});
