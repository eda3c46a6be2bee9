import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

const json = (stdout: string) =>
  JSON.parse(stdout) as { checks: Array<{ id: string; status: string; message: string }>; verdict: string };

describe('demo', () => {
  it('checks the embedded reference server and exits 0 with conclusive SLO verdicts', async () => {
    const r = await cli(['demo', '--format', 'json', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const report = json(r.stdout);
    expect(report.verdict).toBe('pass');
    expect(report.checks.filter((c) => c.status === 'fail' || c.status === 'warn')).toEqual([]);
    for (const id of [
      'slo.latency.p95',
      'slo.latency.p99',
      'slo.error-rate',
      'slo.availability',
      'ratelimit.enforced',
      'ratelimit.per-ip',
      'logs.redaction',
    ]) {
      expect(report.checks.find((c) => c.id === id)?.status, id).toBe('pass');
    }
  });
});
