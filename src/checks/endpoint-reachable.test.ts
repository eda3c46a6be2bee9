import { describe, expect, it } from 'vitest';
import type { Exchange } from '../types.js';
import type { CheckContext } from './define.js';
import { endpointReachable, notServingEndpoints } from './endpoint-reachable.js';

let seq = 0;
function probe(endpoint: string, status: number | undefined, meta: Record<string, unknown> = {}): Exchange {
  return {
    seq: seq++,
    purpose: 'endpoint',
    endpoint,
    request: { method: 'GET', url: `http://h.test${endpoint.split(' ')[1]}`, headers: {} },
    ...(status === undefined
      ? { error: { code: 'RESET', message: 'connection reset' } }
      : { response: { status, headers: {}, body: '', bodyBytes: 0, bodyTruncated: false } }),
    timing: { startedAt: 0, headersMs: 1, totalMs: 1 },
    meta: { health: false, ...meta },
  };
}

function judge(exchanges: Exchange[], plan?: CheckContext['endpointPlan']) {
  const ctx = { exchanges, ...(plan ? { endpointPlan: plan } : {}) } as unknown as CheckContext;
  return endpointReachable.evaluate(ctx).map((f) => [f.endpoint, f.status, f.messageId]);
}

describe('contract.endpoint.reachable', () => {
  it.each([
    [200, 'configured', 'pass'],
    [302, 'configured', 'pass'],
    [500, 'configured', 'pass'],
    [429, 'configured', 'pass'],
    [401, 'configured', 'fail'],
    [403, 'configured', 'fail'],
    [404, 'configured', 'fail'],
    [405, 'configured', 'fail'],
    [404, 'default', 'warn'],
    [401, 'default', 'warn'],
  ])('status %i on a %s endpoint → %s', (status, origin, verdict) => {
    expect(judge([probe('GET /x', status, { origin })])[0]?.[1]).toBe(verdict);
  });

  it('judges the first probe of each endpoint, never health probes', () => {
    const es = [
      probe('GET /a', 404, { origin: 'configured' }),
      { ...probe('GET /a', 200, { origin: 'configured' }), purpose: 'endpoint-repeat' as const },
      probe('GET /healthz', 404, { origin: 'configured', health: true }),
    ];
    expect(judge(es)).toEqual([['GET /a', 'fail', 'notServing']]);
    expect([...notServingEndpoints(es)]).toEqual(['GET /a']);
  });

  it('a 404 from an OpenAPI operation hints at the base path; left-out operations are skipped with the reason', () => {
    const ctx = {
      exchanges: [
        probe('GET /pets', 404, { origin: 'default', fromSpec: true }),
        probe('GET /gone', undefined),
      ],
      endpointPlan: {
        source: 'the OpenAPI document at http://h.test/openapi.json',
        basePath: '/api',
        serverUrl: 'https://h.test/v2',
        leftOut: [
          { operation: 'GET /pets/{id}', reason: 'path parameter "id" has no example or default value' },
        ],
      },
    } as unknown as CheckContext;
    const findings = endpointReachable.evaluate(ctx);
    expect(findings.map((f) => [f.endpoint, f.status])).toEqual([
      ['GET /pets', 'warn'],
      ['GET /gone', 'warn'],
      ['GET /pets/{id}', 'skip'],
    ]);
    expect(String(findings[0]?.data?.hint)).toMatch(/check the base path .*"\/api".*https:\/\/h\.test\/v2/);
  });

  it('nothing probed is a skip that says so', () => {
    expect(judge([])).toEqual([[undefined, 'skip', 'none']]);
  });
});
