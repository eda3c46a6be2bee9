import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture } from '../fixtures/api.js';
import { type ForeignApi, foreignSpec, startForeignApi } from '../fixtures/foreign-api.js';
import { cli } from './helpers/cli.js';

let dir: string;
let api: ForeignApi;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-openapi-'));
  api = await startForeignApi({ basePath: '/ds' });
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

async function specWithServer(url: string, variables: Record<string, unknown>): Promise<string> {
  const file = join(dir, `spec-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify({ ...foreignSpec(''), servers: [{ url, variables }] }));
  return file;
}

const report = (stdout: string) =>
  JSON.parse(stdout) as { target: string; endpoints: { probed: string[]; source: string } };

describe('--openapi server URLs', () => {
  it('servers [{url: "{scheme}://api.example.com/ds", variables: {scheme: {default: https}}}] probes /ds/…', async () => {
    const spec = await specWithServer('{scheme}://api.example.com/ds', { scheme: { default: 'https' } });
    const r = await cli([
      api.url,
      '--openapi',
      spec,
      '--checks',
      'contract.endpoint.reachable',
      '--duration',
      '0',
      '--format',
      'json',
    ]);
    expect(r.code, r.stdout).toBe(0);
    expect(report(r.stdout).endpoints.probed).toEqual(['GET /ds/items', 'GET /ds/items/42']);
    expect(api.seen).toContain('/ds/items/42');
  });

  it('with no URL given, the first server URL (variables at their defaults) is the target', async () => {
    const { port } = new URL(api.url);
    const spec = await specWithServer('{scheme}://127.0.0.1:{port}/ds', {
      scheme: { default: 'http', enum: ['http', 'https'] },
      port: { default: port },
    });
    const r = await cli([
      '--openapi',
      spec,
      '--checks',
      'contract.endpoint.reachable',
      '--duration',
      '0',
      '--format',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const doc = report(r.stdout);
    expect(doc.target).toBe(`${api.url}/ds`);
    expect(doc.endpoints.probed).toEqual(['GET /ds/items', 'GET /ds/items/42']);
    expect(doc.endpoints.source).toBe(spec);
  });

  it('with no URL and a relative server URL, says what to give', async () => {
    const spec = await specWithServer('/ds', {});
    const r = await cli(['--openapi', spec]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/first server URL .* is "\/ds", not an absolute http\(s\) URL/);
  });
});

describe('--load-header', () => {
  it('a key that still gets rate-limit headers is reported as not honoured', async () => {
    const fixture = await startFixture();
    try {
      const r = await cli([
        fixture.url,
        '--endpoint',
        'GET /v1/info',
        '--load-header',
        'X-Api-Key: not-a-bypass-key',
        '--checks',
        'slo',
        '--duration',
        '1',
        '--rate',
        '20',
      ]);
      expect(r.stderr).toMatch(
        /^load: the --load-header key was not honoured as a bypass: .*GET \/v1\/info Limit 100, Remaining \d+/m,
      );
      expect(r.stderr).not.toContain('not-a-bypass-key');
    } finally {
      await fixture.close();
    }
  });
});
