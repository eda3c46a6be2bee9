import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDelayServer } from '../fixtures/known-latency.js';
import { cli } from './helpers/cli.js';

let dir: string;
let close: () => Promise<void>;
let url: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-merge-'));
  const server = await startDelayServer(() => 2);
  url = server.url;
  close = server.close;
});
afterAll(async () => {
  await close();
  await rm(dir, { recursive: true, force: true });
});

describe('harden-check merge', () => {
  it('merges reports from several runs and re-judges the SLOs on the combined samples', async () => {
    const files: string[] = [];
    for (const name of ['a', 'b']) {
      const file = join(dir, `${name}.json`);
      const r = await cli([
        url,
        '--endpoint',
        'GET /x',
        '--checks',
        'slo',
        '--rate',
        '200',
        '--duration',
        '3',
        '--format',
        'json',
        '--output',
        file,
        '--quiet',
      ]);
      expect(r.code, r.stderr).toBe(0);
      files.push(file);
    }
    const single = JSON.parse(await readFile(files[0]!, 'utf8'));
    expect(single.latency.requests).toBe(600);
    // 600 requests cannot support a p99 pass (1,000 needed) …
    expect(single.checks.find((c: { id: string }) => c.id === 'slo.latency.p99').status).toBe('warn');
    const merged = await cli(['merge', ...files, '--format', 'json']);
    expect(merged.code, merged.stderr).toBe(0);
    const report = JSON.parse(merged.stdout);
    // … but the 1,200 merged requests can.
    expect(report.latency.requests).toBe(1200);
    expect(report.checks.find((c: { id: string }) => c.id === 'slo.latency.p99').status).toBe('pass');
  });

  it('rejects a file that is not a harden-check report (exit 2)', async () => {
    const bogus = join(dir, 'bogus.json');
    await writeFile(bogus, JSON.stringify({ hello: 'world' }));
    const r = await cli(['merge', bogus]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a harden-check JSON report/);
    expect((await cli(['merge', join(dir, 'missing.json')])).stderr).toMatch(/cannot read it/);
  });
});
