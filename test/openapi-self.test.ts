import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PIPELINE_STATUSES, ROUTE_DOCS } from '../server/routes/catalog.js';
import { buildOpenApiDocument } from '../server/routes/openapi-doc.js';
import { validateReport } from '../src/report/validate-report.js';
import { call } from './helpers/http.js';
import { startTestServer } from './helpers/server.js';

const BIN = fileURLToPath(new URL('../bin/harden-check.js', import.meta.url));

interface Report {
  verdict: string;
  checks: Array<{ id: string; status: string; endpoint?: string; message: string }>;
  endpoints?: { source: string; probed: string[]; leftOut: Array<{ operation: string; reason: string }> };
}

/** Runs the built CLI as a child process (stdout, exit code); bounded by a timeout. */
function runBin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { timeout: 90_000, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

type Operation = {
  responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, unknown> }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
};
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>> };

describe('the OpenAPI document of the route catalog', () => {
  const doc = buildOpenApiDocument('9.9.9') as unknown as Doc;

  it('is valid OpenAPI 3.1 (swagger-parser validate)', async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
    expect(doc.openapi).toBe('3.1.0');
  });

  it('has exactly the catalog operations, their ajv body schemas and documented statuses', () => {
    const ops = (d: Record<string, Record<string, unknown>>) =>
      Object.entries(d).flatMap(([path, methods]) =>
        Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
      );
    expect(ops(doc.paths).sort()).toEqual(ops(ROUTE_DOCS).sort());
    expect(doc.paths['/openapi.json']?.get).toBeDefined();
    for (const [path, methods] of Object.entries(ROUTE_DOCS)) {
      for (const [method, entry] of Object.entries(methods)) {
        const op = doc.paths[path]![method.toLowerCase()]!;
        for (const s of entry.statuses)
          expect(Object.keys(op.responses), `${method} ${path}`).toContain(String(s.status));
        expect(op.requestBody?.content['application/json']?.schema).toEqual(entry.body);
        const success = op.responses[String(entry.statuses[0]!.status)]!;
        expect(Object.keys(success.headers ?? {})).toEqual(
          expect.arrayContaining(['X-Request-ID', 'X-Latency-MS']),
        );
        const limited = !['/healthz', '/readyz', '/metrics'].includes(path);
        expect(Object.keys(success.headers ?? {}).includes('X-RateLimit-Remaining'), path).toBe(limited);
        expect('429' in op.responses, path).toBe(limited);
        for (const s of PIPELINE_STATUSES.filter((p) => p.operational && ![204, 404, 405].includes(p.status)))
          expect(Object.keys(op.responses)).toContain(String(s.status));
        const error = op.responses['500']!;
        expect(Object.keys(error.content ?? {})).toEqual(['application/problem+json']);
      }
    }
    const notReady = doc.paths['/readyz']!.get!.responses['503']!;
    expect(Object.keys(notReady.content ?? {})).toEqual(['application/health+json']);
    const retry = doc.paths['/v1/info']!.get!.responses['429']!;
    expect(Object.keys(retry.headers ?? {})).toEqual(
      expect.arrayContaining(['Retry-After', 'RateLimit-Policy']),
    );
  });
});

describe('GET /openapi.json on the reference server, and a run with no endpoints configured', () => {
  // A fresh server per test: each run spends the per-IP budgets of its own server only.
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const bypassKey = 'openapi-self-test-bypass-key-0123456789';
  beforeEach(async () => {
    server = await startTestServer({ apiKeys: [{ name: 'test', key: bypassKey, kind: 'bypass' }] });
  });
  afterEach(() => server.stop());

  it('serves a valid document with the contract and security headers, under the default policy', async () => {
    const r = await call(`${server.url}/openapi.json`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    for (const h of ['x-request-id', 'x-latency-ms', 'x-content-type-options', 'content-security-policy'])
      expect(r.headers[h], h).toBeDefined();
    expect(r.headers['x-ratelimit-limit']).toBe('100');
    expect(r.headers['ratelimit-policy']).toMatch(/^"default";/);
    const served = r.json() as { info: { version: string } };
    await expect(SwaggerParser.validate(served as never)).resolves.toBeTruthy();
    const head = await call(`${server.url}/openapi.json`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('a run with no endpoints probes the GET operations the document names and fails no check', async () => {
    const r = await runBin([server.url, '--format', 'json', '--duration', '2', '--rate', '20']);
    const report = JSON.parse(r.stdout) as Report;
    expect(validateReport(report)).toBeUndefined();
    expect(report.endpoints?.source).toContain(`${server.url}/openapi.json`);
    expect(report.endpoints?.probed).toEqual(
      expect.arrayContaining(['GET /healthz', 'GET /v1/info', 'GET /v1/forecast/summary', 'GET /v1/export']),
    );
    expect(report.endpoints?.probed).not.toContain('GET /');
    expect(report.endpoints?.leftOut.map((o) => o.operation)).toEqual(
      expect.arrayContaining(['POST /v1/webhooks/events', 'POST /v1/ai/forecast']),
    );
    const reachable = report.checks.filter((c) => c.id === 'contract.endpoint.reachable');
    // Health endpoints are judged by the health checks; every other probed endpoint is reachable.
    expect(reachable.filter((c) => c.status === 'pass').map((c) => c.endpoint)).toEqual(
      report.endpoints?.probed.filter((e) => !['GET /healthz', 'GET /readyz'].includes(e)),
    );
    expect(report.checks.filter((c) => c.id.startsWith('health.')).map((c) => c.status)).not.toContain(
      'fail',
    );
    // The POST operations are named as left out (skip), never probed.
    expect(reachable.filter((c) => c.status !== 'pass').map((c) => c.status)).toEqual(['skip', 'skip']);
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(report.verdict).not.toBe('fail');
  });

  it('with the bypass key for the load, the same run passes', async () => {
    const r = await runBin([
      server.url,
      '--format',
      'json',
      '--duration',
      '3',
      '--rate',
      '400',
      '--load-header',
      `X-Api-Key: ${bypassKey}`,
    ]);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.checks.filter((c) => c.status !== 'pass' && c.status !== 'skip')).toEqual([]);
    expect(report.verdict).toBe('pass');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(bypassKey);
  });
});
