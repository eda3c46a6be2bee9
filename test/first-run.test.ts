import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ForeignApi, startForeignApi } from '../fixtures/foreign-api.js';
import { freePort } from './helpers/net.js';
import { cli } from './helpers/cli.js';
import { validateReport } from '../src/report/validate-report.js';

interface Check {
  id: string;
  status: string;
  endpoint?: string;
  message: string;
}
interface JsonReport {
  verdict: string;
  checks: Check[];
  endpoints?: {
    source: string;
    probed: string[];
    notServing?: string[];
    leftOut: Array<{ operation: string; reason: string }>;
  };
  latency?: { requests: number; endpoints?: Record<string, unknown> };
  error?: { code: string; message: string };
}
const parse = (stdout: string) => JSON.parse(stdout) as JsonReport;
const of = (r: JsonReport, id: string) => r.checks.filter((c) => c.id === id);
const SLO = ['slo.latency.p95', 'slo.latency.p99', 'slo.error-rate', 'slo.availability'];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-first-run-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a first run against an API that has none of our routes', () => {
  let api: ForeignApi;
  beforeAll(async () => {
    api = await startForeignApi();
  });
  afterAll(() => api.close());

  it('probes only the URL’s own path, flags it as not serving and never passes an SLO on error pages', async () => {
    const r = await cli([api.url, '--format', 'json']);
    const report = parse(r.stdout);
    expect(validateReport(report)).toBeUndefined();
    expect(api.seen.some((p) => p.startsWith('/v1/'))).toBe(false);
    expect(report.endpoints?.probed).toEqual(['GET /']);
    expect(report.endpoints?.source).toMatch(/URL's own path/);
    const reachable = of(report, 'contract.endpoint.reachable');
    expect(reachable.map((c) => [c.endpoint, c.status])).toEqual([['GET /', 'warn']]);
    expect(report.endpoints?.notServing).toEqual(['GET /']);
    for (const id of SLO) {
      const [c] = of(report, id);
      expect(c?.status, id).toBe('warn');
      expect(c?.message).toMatch(/no measurable endpoint/);
    }
    expect(report.latency).toBeUndefined();
    // The health checks say what is missing instead of vanishing.
    expect(of(report, 'health.liveness')[0]?.status).toBe('fail');
    expect((await cli([api.url, '--strict', '--duration', '0', '--checks', 'contract'])).code).toBe(1);
  });

  it('an explicitly configured endpoint that answers 404 fails and is left out of the load', async () => {
    const r = await cli([
      api.url,
      '--endpoint',
      'GET /items',
      '--endpoint',
      'GET /missing',
      '--duration',
      '1',
      '--rate',
      '40',
      '--format',
      'json',
    ]);
    const report = parse(r.stdout);
    const reachable = Object.fromEntries(
      of(report, 'contract.endpoint.reachable').map((c) => [c.endpoint, c.status]),
    );
    expect(reachable).toEqual({ 'GET /items': 'pass', 'GET /missing': 'fail' });
    expect(Object.keys(report.latency?.endpoints ?? {})).toEqual(['GET /items']);
    expect(api.seen.filter((p) => p === '/missing')).toHaveLength(2);
    expect(r.code).toBe(1);
  });
});

describe('a URL with a base path', () => {
  let api: ForeignApi;
  beforeAll(async () => {
    api = await startForeignApi({ basePath: '/api/v1' });
  });
  afterAll(() => api.close());

  it('prefixes every configured endpoint with the URL’s path, and measures 2xx as available', async () => {
    const r = await cli([
      `${api.url}/api/v1`,
      '--endpoint',
      'GET /items',
      '--duration',
      '1',
      '--rate',
      '40',
      '--checks',
      'contract,slo',
      '--format',
      'json',
    ]);
    const report = parse(r.stdout);
    expect(api.seen).toContain('/api/v1/items');
    expect(api.seen.some((p) => p.startsWith('/items') || p.includes('/v1/v1/'))).toBe(false);
    expect(of(report, 'contract.endpoint.reachable')[0]?.status).toBe('pass');
    expect(report.latency?.requests).toBe(40);
    expect(of(report, 'slo.availability')[0]?.message).toMatch(/inconclusive: 40 requests/);
  });

  it('sizes the default load plan by the sample rule and says so before sending', async () => {
    const r = await cli([
      `${api.url}/api/v1`,
      '--endpoint',
      'GET /items',
      '--rate',
      '400',
      '--checks',
      'slo',
      '--format',
      'json',
    ]);
    expect(r.stderr).toMatch(
      /^load: 1000 requests at 400 req\/s \(about 3 s\) to 1 endpoint; can be conclusive: P95, P99, error rate, availability$/m,
    );
    expect(parse(r.stdout).latency?.requests).toBe(1000);
    const p95Only = await cli([
      `${api.url}/api/v1`,
      '--endpoint',
      'GET /items',
      '--rate',
      '400',
      '--checks',
      'slo.latency.p95',
      '--format',
      'json',
    ]);
    expect(p95Only.stderr).toMatch(/^load: 200 requests at 400 req\/s/m);
    const skipped = parse(p95Only.stdout).checks.filter((c) => c.id === 'slo.latency.p99');
    expect(skipped).toEqual([
      expect.objectContaining({ status: 'skip', message: expect.stringMatching(/skipped by configuration/) }),
    ]);
  });

  it('the URL’s own path is probed exactly as given', async () => {
    await cli([`${api.url}/api/v1/items`, '--checks', 'contract', '--duration', '0']);
    expect(api.seen).toContain('/api/v1/items');
    expect(api.seen).not.toContain('/api/v1/items/');
  });
});

describe('an API that serves its OpenAPI document (FastAPI-like)', () => {
  it('takes the GET operations, fills templated paths from examples and names what it left out', async () => {
    const api = await startForeignApi({ openapi: true, ghostPaths: ['/ghost'] });
    try {
      const r = await cli([api.url, '--checks', 'contract', '--duration', '0', '--format', 'json']);
      const report = parse(r.stdout);
      expect(report.endpoints?.source).toBe(`the OpenAPI document at ${api.url}/openapi.json`);
      expect(report.endpoints?.probed).toEqual(['GET /items', 'GET /items/42', 'GET /ghost']);
      expect(api.seen).toContain('/items/42');
      const leftOut = Object.fromEntries(
        (report.endpoints?.leftOut ?? []).map((o) => [o.operation, o.reason]),
      );
      expect(leftOut['POST /items']).toMatch(/only GET/);
      expect(leftOut['GET /users/{user_id}']).toMatch(/user_id.*no example or default/);
      const reachable = of(report, 'contract.endpoint.reachable');
      expect(reachable.find((c) => c.endpoint === 'GET /users/{user_id}')?.status).toBe('skip');
      const ghost = reachable.find((c) => c.endpoint === 'GET /ghost');
      expect(ghost?.status).toBe('warn');
      expect(ghost?.message).toMatch(/check the base path/);
    } finally {
      await api.close();
    }
  });

  it('config policies and cacheable entries apply to the discovered endpoints; one that matches none is a usage error', async () => {
    const api = await startForeignApi({ openapi: true });
    try {
      const good = join(dir, 'discovered.json');
      await writeFile(
        good,
        JSON.stringify({ policies: { 'GET /items*': 'none' }, checks: { cacheable: ['GET /items'] } }),
      );
      const r = await cli([
        api.url,
        '--config',
        good,
        '--checks',
        'contract.endpoint.reachable',
        '--duration',
        '0',
        '--format',
        'json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(parse(r.stdout).endpoints?.probed).toEqual(['GET /items', 'GET /items/42']);
      const bad = join(dir, 'discovered-bad.json');
      await writeFile(bad, JSON.stringify({ policies: { 'GET /nowhere': { limit: 5 } } }));
      const u = await cli([api.url, '--config', bad, '--duration', '0']);
      expect(u.code).toBe(2);
      expect(u.stderr).toMatch(
        /policies: "GET \/nowhere" matches none of the probed endpoints \(GET \/items, GET \/items\/42\)/,
      );
    } finally {
      await api.close();
    }
  });

  it('finds the document under the URL’s base path and keeps the server URL’s path', async () => {
    const api = await startForeignApi({ openapi: true, basePath: '/api/v1' });
    try {
      const r = await cli([
        `${api.url}/api/v1`,
        '--checks',
        'contract',
        '--duration',
        '0',
        '--format',
        'json',
      ]);
      const report = parse(r.stdout);
      expect(report.endpoints?.source).toBe(`the OpenAPI document at ${api.url}/api/v1/openapi.json`);
      // Labelled by the path as requested: the base path is part of it.
      expect(report.endpoints?.probed).toEqual(['GET /api/v1/items', 'GET /api/v1/items/42']);
      expect(api.seen).toContain('/api/v1/items/42');
      expect(of(report, 'contract.endpoint.reachable').filter((c) => c.status === 'pass')).toHaveLength(2);
    } finally {
      await api.close();
    }
  });
});

describe('an unreachable target', () => {
  it('still writes every requested report with the reason, and exits 3', async () => {
    const port = await freePort();
    const junit = join(dir, 'out', 'results.xml');
    const json = join(dir, 'out', 'report.json');
    const md = join(dir, 'out', 'report.md');
    const html = join(dir, 'out', 'report.html');
    const r = await cli([
      `http://127.0.0.1:${port}`,
      '--report',
      `junit=${junit}`,
      '--report',
      `json=${json}`,
      '--report',
      `markdown=${md}`,
      '--report',
      `html=${html}`,
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/unreachable/);
    const xml = new XMLParser({ ignoreAttributes: false }).parse(await readFile(junit, 'utf8'));
    const suites = xml.testsuites;
    expect(suites['@_errors']).toBe('1');
    expect(suites.testsuite.testcase.error['@_message']).toMatch(/unreachable/);
    const report = JSON.parse(await readFile(json, 'utf8')) as JsonReport;
    expect(validateReport(report)).toBeUndefined();
    expect(report.verdict).toBe('error');
    expect(report.error?.code).toBe('TARGET_UNREACHABLE');
    expect(await readFile(md, 'utf8')).toMatch(/error.*unreachable/);
    expect(await readFile(html, 'utf8')).toMatch(/class="note error">error: .*unreachable/);
    // The text report on stdout would only repeat the one line on stderr.
    expect(r.stdout).toBe('');
  });
});
