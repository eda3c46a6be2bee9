import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { startTestServer } from './helpers/server.js';

interface Check {
  id: string;
  status: string;
  endpoint?: string;
  message: string;
}
const SLO = ['slo.latency.p95', 'slo.latency.p99', 'slo.error-rate', 'slo.availability'];
const HEADER_CHECKS = ['ratelimit.headers.present', 'ratelimit.headers.format', 'ratelimit.policy'];

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('three runs in a row against one reference server (--strict)', () => {
  it('never pass after a fail; a spent budget makes verdicts inconclusive, never skipped or passed', async () => {
    const runs: Array<{ code: number; verdict: string; checks: Check[]; stderr: string }> = [];
    for (let i = 0; i < 3; i++) {
      const r = await cli([
        server.url,
        '--endpoint',
        'GET /v1/info',
        '--endpoint',
        'GET /v1/export',
        '--rate-limit-probe',
        '--strict',
        '--rate',
        '200',
        '--format',
        'json',
      ]);
      const report = JSON.parse(r.stdout) as { verdict: string; checks: Check[] };
      runs.push({ code: r.code, verdict: report.verdict, checks: report.checks, stderr: r.stderr });
    }
    for (let i = 1; i < runs.length; i++)
      expect([runs[i - 1]!.verdict, runs[i]!.verdict]).not.toEqual(['fail', 'pass']);
    // Before sending, the run says what the load phase will (not) send.
    expect(runs[0]!.stderr).toMatch(
      /^load: nothing will be sent: the rate-limit budget of GET \/v1\/export/m,
    );
    for (const [n, run] of runs.entries()) {
      const byId = (id: string) => run.checks.filter((c) => c.id === id);
      // SLO checks: warn (inconclusive) naming the budget, never pass, never skip.
      for (const id of SLO) {
        for (const c of byId(id)) {
          expect(c.status, `run ${n + 1} ${id}: ${c.message}`).toBe('warn');
          expect(c.message).toMatch(/budget/);
        }
      }
      // Rate-limit header checks judge 429s too: they never turn into skips.
      for (const id of HEADER_CHECKS)
        expect(
          byId(id).every((c) => c.status !== 'skip'),
          `run ${n + 1} ${id}`,
        ).toBe(true);
      expect(run.code).toBe(1);
    }
    // Run 1 saw the budget go from allowed to refused; later runs start with it spent: inconclusive.
    expect(runs[0]!.checks.find((c) => c.id === 'ratelimit.enforced')?.status).toBe('pass');
    for (const run of runs.slice(1)) {
      const enforced = run.checks.find((c) => c.id === 'ratelimit.enforced');
      expect(enforced?.status).toBe('warn');
      expect(enforced?.message).toMatch(/first probe request already got 429/);
      const slo = run.checks.find((c) => c.id === 'slo.latency.p99');
      expect(slo?.message).toMatch(/resets in \d+ s/);
      // The export budget is spent before these runs start: its 429s are judged, not skipped.
      const onExport = (id: string) => run.checks.find((c) => c.id === id && c.endpoint === 'GET /v1/export');
      expect(onExport('ratelimit.headers.present')?.status).toBe('pass');
      expect(onExport('ratelimit.headers.format')?.status).toBe('pass');
      expect(onExport('ratelimit.policy')?.status).toBe('pass');
      expect(onExport('ratelimit.remaining.decrements')).toMatchObject({
        status: 'warn',
        message: expect.stringMatching(/budget is already spent/),
      });
    }
  });
});
