import { describe, expect, it } from 'vitest';
import { CHECKS } from './registry.js';

/** The catalogue of docs/checks.md: check ids are public API (CI users filter on them). */
const CATALOGUE = [
  'contract.endpoint.reachable',
  'contract.request-id.present',
  'contract.request-id.format',
  'contract.request-id.unique',
  'contract.request-id.echo',
  'contract.request-id.injection',
  'contract.latency.present',
  'contract.latency.format',
  'contract.latency.plausible',
  'ratelimit.headers.present',
  'ratelimit.headers.format',
  'ratelimit.policy',
  'ratelimit.remaining.decrements',
  'ratelimit.enforced',
  'ratelimit.429.contract',
  'ratelimit.spoofing',
  'ratelimit.per-ip',
  'ratelimit.isolation',
  'security.nosniff',
  'security.hsts',
  'security.framing',
  'security.cache-control',
  'security.fingerprint',
  'security.cors',
  'security.csp',
  'errors.schema',
  'errors.correlation',
  'errors.no-leak',
  'errors.content-type',
  'logs.redaction',
  'health.liveness',
  'health.readiness',
  'slo.latency.p95',
  'slo.latency.p99',
  'slo.error-rate',
  'slo.availability',
];

describe('check registry', () => {
  it('implements exactly the published catalogue, each id once', () => {
    const ids = CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...CATALOGUE].sort());
  });

  it('every check has its documentation fields and a category matching its id', () => {
    for (const c of CHECKS) {
      expect(c.id.startsWith(`${c.category}.`), c.id).toBe(true);
      for (const field of [c.title, c.rule, c.why, c.fix, c.source])
        expect(field.length, c.id).toBeGreaterThan(10);
      expect(c.needs.length, c.id).toBeGreaterThan(0);
    }
  });
});
