import { describe, expect, it } from 'vitest';
import { startHardenedExpress, startHardenedFastify, startPlainExpress } from '../fixtures/frameworks.js';
import { runChecks } from '../src/index.js';
import { DEMO_ENDPOINTS } from '../src/cli/demo.js';

const ENDPOINTS = DEMO_ENDPOINTS;

describe('deployments on common frameworks', () => {
  it('plain Express is flagged for what it really lacks', async () => {
    const app = await startPlainExpress();
    try {
      const r = await runChecks({ target: app.url, endpoint: ENDPOINTS, duration: 0 });
      const failed = new Set(r.checks.filter((c) => c.status === 'fail').map((c) => c.id));
      for (const id of [
        'contract.request-id.present',
        'contract.latency.present',
        'ratelimit.headers.present',
        'security.nosniff',
        'security.framing',
        'security.cache-control',
        'security.fingerprint',
        'errors.schema',
        'errors.no-leak',
        'errors.content-type',
      ]) {
        expect(failed.has(id), id).toBe(true);
      }
      // Its default 404 page and its body-parser stack trace are both recognised.
      const leaks = r.checks
        .filter((c) => c.id === 'errors.no-leak' && c.status === 'fail')
        .map((c) => c.message);
      expect(leaks.some((m) => m.includes('Express default error page'))).toBe(true);
      expect(leaks.some((m) => m.includes('stack frame'))).toBe(true);
      // Not flagged for what it does right or what is not there to judge.
      expect(r.checks.find((c) => c.id === 'health.liveness')?.status).toBe('pass');
      expect(r.checks.find((c) => c.id === 'security.hsts')?.status).toBe('skip');
      expect(r.verdict).toBe('fail');
    } finally {
      await app.close();
    }
  });

  for (const [name, start] of [
    ['Express with helmet and express-rate-limit (legacy + draft-8 headers)', startHardenedExpress],
    ['Fastify with @fastify/helmet and @fastify/rate-limit (delta-seconds Reset)', startHardenedFastify],
  ] as const) {
    it(`${name} passes every check, the rate-limit probe included`, async () => {
      const app = await start();
      try {
        const r = await runChecks({
          target: app.url,
          endpoint: ENDPOINTS,
          duration: 0,
          rateLimitProbe: true,
        });
        expect(
          r.checks
            .filter((c) => c.status === 'fail' || c.status === 'warn')
            .map((c) => `${c.id}: ${c.message}`),
        ).toEqual([]);
        for (const id of [
          'ratelimit.enforced',
          'ratelimit.429.contract',
          'ratelimit.spoofing',
          'ratelimit.isolation',
          'ratelimit.per-ip',
        ]) {
          expect(r.checks.find((c) => c.id === id)?.status, id).toBe('pass');
        }
        expect(r.verdict).toBe('pass');
      } finally {
        await app.close();
      }
    });
  }
});
