import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDelayServer } from '../fixtures/known-latency.js';
import type { Listening } from '../fixtures/listen.js';
import { prng } from '../fixtures/prng.js';
import { validateDiff } from '../src/diff/validate-diff.js';
import { validateReport } from '../src/report/validate-report.js';
import { cli } from './helpers/cli.js';

/**
 * The baseline gate over real sockets: a known-latency server (seeded log-normal delays, median
 * 20 ms) measured twice as it is, then with a delay added to every request.
 */
let dir: string;
let server: Listening;
let added = 0;
const delays = (() => {
  const random = prng(14);
  return Array.from({ length: 10_000 }, () => {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.round(20 * Math.exp(0.3 * z));
  });
})();

const run = (out: string, extra: string[] = []) =>
  cli([
    server.url,
    '--endpoint',
    'GET /x',
    '--checks',
    'slo',
    '--rate',
    '150',
    '--duration',
    '2',
    '--format',
    'json',
    '--output',
    join(dir, out),
    ...extra,
  ]);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-diff-'));
  server = await startDelayServer((i) => delays[i % delays.length]! + added);
  await run('warm-up.json');
  await run('old.json');
  await run('same.json');
  added = 40;
  await run('slow.json');
  added = 0;
}, 60_000);
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('harden-check diff', () => {
  it('flags an added delay as a latency regression (exit 1) and writes JSON that validates', async () => {
    const r = await cli(['diff', join(dir, 'old.json'), join(dir, 'slow.json'), '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const d = JSON.parse(r.stdout);
    expect(validateDiff(d)).toBeUndefined();
    expect(d.verdict).toBe('regression');
    const p50 = d.latency.find(
      (l: { scope: string; percentile: string }) => l.scope === 'all' && l.percentile === 'p50',
    );
    expect(p50.verdict).toBe('regression');
    expect(p50.intervalMs.low).toBeGreaterThan(0);
    expect(
      d.latency.some(
        (l: { scope: string; verdict: string }) => l.scope === 'GET /x' && l.verdict === 'regression',
      ),
    ).toBe(true);
  });

  it('calls two runs of the same server within noise (exit 0), in text and Markdown', async () => {
    // A generous threshold: two runs on a shared machine differ by scheduling, not only sampling.
    const args = [
      'diff',
      join(dir, 'old.json'),
      join(dir, 'same.json'),
      '--max-regression',
      'p50=50%,p95=50%',
    ];
    const text = await cli(args);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^harden-check diff: no regression/);
    expect(text.stdout).toMatch(/^ {2}all +p50 .*within noise$/m);
    const md = await cli([...args, '--format', 'markdown']);
    expect(md.stdout).toMatch(/^### Compared with the baseline: ✅ no regression/);
  });

  it('exit 2 naming what differs when the runs are not comparable', async () => {
    const other = JSON.parse(await readFile(join(dir, 'old.json'), 'utf8'));
    other.target = 'http://127.0.0.1:9';
    other.rulesVersion = 'older';
    await writeFile(join(dir, 'other.json'), JSON.stringify(other));
    const r = await cli(['diff', join(dir, 'other.json'), join(dir, 'old.json')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/different targets: http:\/\/127\.0\.0\.1:9 and/);
    expect(r.stdout).toMatch(/different rule sets: older and/);
  });

  it('bad input: a clear one-line error and exit 2', async () => {
    const missing = await cli(['diff', join(dir, 'nope.json'), join(dir, 'old.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^harden-check: .*nope\.json: cannot read it \(ENOENT\)\n$/);
    const bad = await cli([
      'diff',
      join(dir, 'old.json'),
      join(dir, 'old.json'),
      '--max-regression',
      'p99=lots',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-regression: "p99=lots" is not PERCENTILE=N%/);
  });
});

describe('--baseline in a run', () => {
  it('adds the comparison to the report and gates the exit code on it', async () => {
    added = 40;
    try {
      const r = await run('gated.json', [
        '--baseline',
        join(dir, 'old.json'),
        '--report',
        `markdown=${join(dir, 'gated.md')}`,
      ]);
      expect(r.code).toBe(1);
    } finally {
      added = 0;
    }
    const report = JSON.parse(await readFile(join(dir, 'gated.json'), 'utf8'));
    expect(validateReport(report)).toBeUndefined();
    expect(report.baseline.verdict).toBe('regression');
    expect(await readFile(join(dir, 'gated.md'), 'utf8')).toContain(
      '### Compared with the baseline: ❌ regression',
    );
  });
});
