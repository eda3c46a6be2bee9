import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

interface DemoReport {
  checks: Array<{ id: string; status: string; message: string; actual?: unknown }>;
  verdict: string;
  slo: { p95Ms: number; p99Ms: number };
  latency: { clientMs: { p95: number; p99: number }; clientLagMs: { p99: number; max: number } };
}

const LATENCY = ['slo.latency.p95', 'slo.latency.p99'];

describe('demo', () => {
  it('checks the embedded reference server: every check passes, latency verdicts agree with the latency measured', async () => {
    const r = await cli(['demo', '--format', 'json', '--quiet']);
    const report = JSON.parse(r.stdout) as DemoReport;
    const status = (id: string) => report.checks.find((c) => c.id === id)?.status;
    // Everything the reference server implements passes, whatever the machine's load.
    expect(
      report.checks.filter((c) => !LATENCY.includes(c.id) && (c.status === 'fail' || c.status === 'warn')),
    ).toEqual([]);
    for (const id of [
      'slo.error-rate',
      'slo.availability',
      'ratelimit.enforced',
      'ratelimit.per-ip',
      'logs.redaction',
    ])
      expect(status(id), id).toBe('pass');
    // Latency depends on the machine: on a quiet one the demo is well inside its SLO; on one whose
    // cores are taken by other work the reference server queues. The verdicts must follow what was
    // measured in this run: pass below the target, fail above it, a warning only when the client
    // itself fell behind its schedule (its reported lag).
    const lat = report.latency;
    const behind = lat.clientLagMs.p99 > 50 || lat.clientLagMs.max > 500;
    for (const [id, value, target] of [
      ['slo.latency.p95', lat.clientMs.p95, report.slo.p95Ms],
      ['slo.latency.p99', lat.clientMs.p99, report.slo.p99Ms],
    ] as const) {
      if (value < target) expect(status(id), id).toBe(behind ? 'warn' : 'pass');
      else expect(status(id), id).toMatch(behind ? /^(fail|warn)$/ : /^fail$/);
    }
    const failed = report.checks.some((c) => c.status === 'fail');
    expect(report.verdict).toBe(failed ? 'fail' : 'pass');
    expect(r.code, r.stderr).toBe(failed ? 1 : 0);
  });
});
