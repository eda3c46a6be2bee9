import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoadStats, recordOutcome } from '../src/load/stats.js';
import { summarizeLoad } from '../src/load/summarize.js';
import type { Report } from '../src/types.js';
import { cli } from './helpers/cli.js';
import { testReport } from './helpers/report.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-merge-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A report as one machine would write it: `n` requests of 2–12 ms, p99 inconclusive alone. */
function machineReport(n: number, seed: number): Report {
  const stats = createLoadStats('open', 200, 8, ['GET /x']);
  stats.startedAt = 0;
  stats.endedAt = 3000;
  for (let i = 0; i < n; i++) {
    const us = 2000 + ((i * 7919 + seed) % 10_000);
    recordOutcome(stats, stats.endpoints.get('GET /x')!, 200, undefined, us, us, 1);
  }
  return testReport(
    [
      { id: 'security.nosniff', category: 'security', status: 'pass', endpoint: 'GET /x', message: 'ok' },
      { id: 'slo.latency.p99', category: 'slo', status: 'warn', message: 'inconclusive: 600 requests' },
    ],
    { latency: summarizeLoad(stats, undefined), durationMs: 3000 },
  );
}

describe('harden-check merge', () => {
  it('merges reports from several machines and re-judges the SLOs on the combined samples', async () => {
    const files = [join(dir, 'a.json'), join(dir, 'b.json')];
    await writeFile(files[0]!, JSON.stringify(machineReport(600, 1)));
    await writeFile(files[1]!, JSON.stringify(machineReport(600, 2)));
    const merged = await cli(['merge', ...files, '--format', 'json']);
    expect(merged.code, merged.stderr).toBe(0);
    const report = JSON.parse(merged.stdout);
    // 600 requests per machine cannot support a p99 pass (1,000 needed); the 1,200 merged can.
    expect(report.latency.requests).toBe(1200);
    expect(report.checks.find((c: { id: string }) => c.id === 'slo.latency.p99').status).toBe('pass');
    // Identical non-SLO findings from both machines appear once.
    expect(report.checks.filter((c: { id: string }) => c.id === 'security.nosniff')).toHaveLength(1);
    const text = await cli(['merge', ...files, '--slo-p99', '5']);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/✗ slo\.latency\.p99/);
  });

  it('rejects a file that is not a harden-check report (exit 2)', async () => {
    const bogus = join(dir, 'bogus.json');
    await writeFile(bogus, JSON.stringify({ hello: 'world' }));
    const r = await cli(['merge', bogus]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a harden-check JSON report/);
    expect((await cli(['merge', join(dir, 'missing.json')])).stderr).toMatch(/cannot read it/);
  });

  it('refuses reports of different targets or plans (exit 2), naming them', async () => {
    const a = join(dir, 'target-a.json');
    const b = join(dir, 'target-b.json');
    const c = join(dir, 'plan-c.json');
    const d = join(dir, 'error-d.json');
    const plan = (probed: string[]) => ({ source: '--endpoint', probed, leftOut: [] });
    await writeFile(a, JSON.stringify({ ...machineReport(10, 1), endpoints: plan(['GET /x']) }));
    await writeFile(
      b,
      JSON.stringify({ ...machineReport(10, 2), target: 'http://other.test', endpoints: plan(['GET /x']) }),
    );
    await writeFile(c, JSON.stringify({ ...machineReport(10, 3), endpoints: plan(['GET /x', 'GET /y']) }));
    await writeFile(
      d,
      JSON.stringify({
        ...machineReport(0, 4),
        verdict: 'error',
        error: { code: 'TARGET_UNREACHABLE', message: 'refused' },
      }),
    );
    const targets = await cli(['merge', a, b]);
    expect(targets.code).toBe(2);
    expect(targets.stderr).toMatch(
      /different targets: .*target-a\.json → http:\/\/127\.0\.0\.1:9, .*target-b\.json → http:\/\/other\.test/,
    );
    const plans = await cli(['merge', a, c]);
    expect(plans.code).toBe(2);
    expect(plans.stderr).toMatch(
      /different plans: .*target-a\.json \(endpoints GET \/x, open model\), .*plan-c\.json \(endpoints GET \/x, GET \/y/,
    );
    const failed = await cli(['merge', a, d]);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(
      /error-d\.json is the report of a run that could not judge its target \(refused\)/,
    );
  });
});
