import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture } from '../fixtures/api.js';
import { type ForeignApi, startForeignApi } from '../fixtures/foreign-api.js';
import type { Report } from '../src/types.js';
import { runCliBin } from './helpers/spawn-cli.js';

let dir: string;
let api: ForeignApi;
let ours: Fixture;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-labels-'));
  api = await startForeignApi({ basePath: '/api/v1' });
  ours = await startFixture();
});
afterAll(async () => {
  await api.close();
  await ours.close();
  await rm(dir, { recursive: true, force: true });
});

/** Every `METHOD /path` label in a text (the unknown-path probe has no path to show). */
const labels = (text: string) =>
  [...text.matchAll(/\b(GET|HEAD|POST|DELETE|OPTIONS) (\/\S*?)(?=[,\s]|$)/g)].map((m) => m[0]);

describe('endpoints are labelled by the path as requested, base path included', () => {
  it('--quiet against a base-path URL: the URL’s own path and the health endpoints alike', async () => {
    const r = await runCliBin([`${api.url}/api/v1`, '--duration', '0', '--quiet']);
    expect(r.code).toBe(1);
    const found = labels(r.stdout);
    expect(found).toContain('GET /api/v1');
    expect(found).toContain('GET /api/v1/healthz');
    expect(found).toContain('OPTIONS /api/v1');
    for (const label of found) expect(label).toMatch(/^\w+ \/api\/v1(\/|$)/);
  });

  it('JSON: results, endpoint list, load targets and latency by endpoint all use one label', async () => {
    const config = join(dir, 'harden-check.config.json');
    // Keys in the config stay relative to the base path, as endpoints are.
    await writeFile(
      config,
      JSON.stringify({
        endpoints: [{ method: 'GET', path: '/items', slo: { p95Ms: 1000 } }],
        policies: { 'GET /items': 'none' },
        checks: { cacheable: ['GET /items'] },
      }),
    );
    const r = await runCliBin([
      `${api.url}/api/v1`,
      '--config',
      config,
      '--rate',
      '40',
      '--duration',
      '0.5',
      '--no-polite',
      '--format',
      'json',
    ]);
    expect(r.stderr).not.toMatch(/^harden-check: /m);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.endpoints?.probed).toEqual(['GET /api/v1/items']);
    const onItems = report.checks.filter((c) => c.endpoint?.includes('items'));
    expect(onItems.length).toBeGreaterThan(5);
    for (const c of onItems) expect(c.endpoint).toMatch(/^\w+ \/api\/v1\/items$/);
    expect(report.execution?.plan?.targets.map((t) => t.endpoint)).toEqual(['GET /api/v1/items']);
    expect(Object.keys(report.latency?.endpoints ?? {})).toEqual(['GET /api/v1/items']);
    expect(Object.keys(report.slo.endpoints ?? {})).toEqual(['GET /api/v1/items']);
    const cache = report.checks.find(
      (c) => c.id === 'security.cache-control' && c.endpoint === 'GET /api/v1/items',
    );
    expect(cache?.message).toMatch(/exempt by checks\.cacheable/);
    expect(
      report.checks.find((c) => c.id === 'ratelimit.policy' && c.endpoint === 'GET /api/v1/items')?.status,
    ).not.toBe('fail');
  });
});

describe('counts are phrased one way', () => {
  it('"N endpoints" never counts more than the endpoints the run probed; other probes are named apart', async () => {
    const r = await runCliBin([
      ours.url,
      '--endpoint',
      'GET /v1/info',
      '--endpoint',
      'GET /v1/export',
      '--duration',
      '0',
    ]);
    const probed = 2;
    const counts = [...r.stdout.matchAll(/(\d+) endpoints?\b(?! results)/g)].map((m) => Number(m[1]));
    expect(counts.length).toBeGreaterThan(5);
    for (const n of counts) expect(n).toBeLessThanOrEqual(probed);
    expect(r.stdout).toMatch(
      /^ {2}✓ contract\.request-id\.present +2 endpoints and \d+ other probes: all pass$/m,
    );
    expect(r.stdout).not.toMatch(/\d+ of \d+ endpoints flagged/);
  });
});
