import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/types.js';
import { call } from './helpers/http.js';
import { startTestServer } from './helpers/server.js';

const BIN = fileURLToPath(new URL('../bin/harden-check.js', import.meta.url));
const RULES = fileURLToPath(new URL('../docs/ops/watch-rules.yml', import.meta.url));

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

interface Watched {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first match of `pattern` in stderr. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
}

function watch(args: string[], url = server.url): Watched {
  const child = spawn(process.execPath, [BIN, 'watch', url, ...args], {
    env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  const waiters: Array<() => void> = [];
  child.stderr!.on('data', (d: Buffer) => {
    err += d;
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitFor(pattern) {
      for (;;) {
        const m = pattern.exec(err);
        if (m) return m;
        if (child.exitCode !== null) throw new Error(`watch exited before ${pattern}: ${err}`);
        await Promise.race([new Promise<void>((r) => waiters.push(r)), exited]);
      }
    },
  };
}

describe('docs/ops/watch-rules.yml', () => {
  it('passes promtool check rules and its unit tests', () => {
    const check = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(check.error, 'promtool is missing (apt-get install -y prometheus)').toBeUndefined();
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const test = spawnSync('promtool', ['test', 'rules', RULES.replace('.yml', '.test.yml')], {
      encoding: 'utf8',
    });
    expect(test.status, test.stdout + test.stderr).toBe(0);
  });
});

describe('harden-check watch', () => {
  it('prints window SLIs and burn rates, serves Prometheus metrics on 127.0.0.1, ends after --for with the final report', async () => {
    const w = watch([
      '--for',
      '5s',
      '--rate',
      '4',
      '--endpoint',
      'GET /v1/info',
      '--endpoint',
      'GET /v1/forecast/summary',
      '--metrics-port',
      '0',
      '--interval',
      '2',
      '--format',
      'json',
    ]);
    // Polite by default: 4 req/s on two endpoints sharing 100 requests a minute is too much.
    await w.waitFor(/req\/s per endpoint keeps within the advertised rate limits/);
    const url = (await w.waitFor(/metrics on (http:\/\/127\.0\.0\.1:\d+\/metrics)/))[1]!;
    await w.waitFor(/window 2: /);
    const scraped = await call(url);
    expect(scraped.status).toBe(200);
    expect(scraped.headers['content-type']).toMatch(/^text\/plain/);
    expect(scraped.text).toMatch(/# TYPE harden_check_request_duration_seconds histogram/);
    expect(scraped.text).toMatch(
      /harden_check_request_duration_seconds_bucket\{le="0\.1",endpoint="GET \/v1\/info"\} \d+/,
    );
    expect(scraped.text).toMatch(/harden_check_requests_total\{endpoint="GET \/v1\/info",code="200"\} [1-9]/);
    expect(scraped.text).toMatch(/# TYPE harden_check_errors_total counter/);
    expect((await call(url.replace('/metrics', '/'))).status).toBe(404);
    // The alerting rules for these metrics use only names the watch exposes.
    const rules = await readFile(RULES, 'utf8');
    for (const metric of new Set(rules.match(/(?<![:\w])harden_check_[a-z_]+/g)))
      expect(scraped.text, metric).toContain(metric);

    const code = await w.exited;
    const report = JSON.parse(w.stdout()) as Report;
    // The usual exit code: of the verdict (one slow request on a busy machine fails P95 by the sample rule).
    expect(code, w.stderr()).toBe(report.verdict === 'pass' ? 0 : 1);
    expect(w.stderr()).toMatch(/burn \d+s\/1s \(workbook 1h\/5m\) \(page > 14\.4×\): availability/);
    expect(report.execution?.watch?.windows).toBeGreaterThanOrEqual(3);
    expect(report.execution?.watch?.timeScale).toBe(21_600 / 5);
    // 0.75 req/s per endpoint for 5 s: bounded traffic, judged by the slo checks (too few for a pass).
    expect(report.latency?.requests).toBeGreaterThan(0);
    expect(report.latency?.requests).toBeLessThanOrEqual(8);
    // Latency over time at --interval, as in a run: every answer in one interval by its arrival.
    const series = report.latency?.intervals as { intervalMs: number; entries: Array<{ completed: number }> };
    expect(series.intervalMs).toBe(2000);
    expect(series.entries.reduce((n, e) => n + e.completed, 0)).toBe(report.latency?.requests);
    expect(report.checks.map((c) => c.id).sort()).toEqual([
      'slo.availability',
      'slo.error-rate',
      'slo.latency.p95',
      'slo.latency.p99',
    ]);
    // The metrics server stopped with the watch.
    await expect(call(url)).rejects.toThrow();
  }, 60_000);

  it('SIGTERM ends an open-ended watch cleanly with the final report and the usual exit code', async () => {
    const w = watch(['--endpoint', 'GET /v1/info', '--rate', '0.5', '--time-scale', '3600']);
    await w.waitFor(/window 1: /);
    w.child.kill('SIGTERM');
    const code = await w.exited;
    expect(w.stderr()).toMatch(/SIGTERM: finishing requests in flight/);
    expect(w.stdout()).toMatch(/watch: \d+ windows of 1 s at 0\.5 req\/s per endpoint/);
    // The usual exit code of the verdict, not 143.
    const verdict = /^(PASS|FAIL) /m.exec(w.stdout())?.[1];
    expect(code, w.stderr()).toBe(verdict === 'PASS' ? 0 : 1);
  }, 60_000);

  it('bad watch input is a usage error (exit 2)', async () => {
    for (const args of [
      ['--for', 'soon'],
      ['--duration', '5'],
      ['--metrics-port', '70000'],
      ['--endpoint', 'POST /v1/webhooks/events'],
    ]) {
      const w = watch(args);
      expect(await w.exited, args.join(' ')).toBe(2);
      expect(w.stderr()).toMatch(/^harden-check: |error: option/);
    }
    const compared = watch(['--baseline', 'main.json']);
    expect(await compared.exited).toBe(2);
    expect(compared.stderr()).toMatch(
      /^harden-check: watch: --baseline does not apply to watch \(compare its final report with harden-check diff\)/,
    );
  }, 60_000);

  it('an unreachable target ends the watch before it sends: one line, exit 3, the reports with verdict error', async () => {
    // A port that was just free: nothing listens on it.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const dir = await mkdtemp(join(tmpdir(), 'harden-watch-'));
    try {
      const file = join(dir, 'watch.json');
      const w = watch(
        ['--for', '3s', '--endpoint', 'GET /v1/info', '--report', `json=${file}`],
        `http://127.0.0.1:${port}`,
      );
      expect(await w.exited, w.stderr()).toBe(3);
      expect(w.stderr()).toBe(
        `harden-check: http://127.0.0.1:${port} is unreachable: connection refused (nothing listens on that port)\n`,
      );
      expect(w.stdout()).toBe('');
      const report = JSON.parse(await readFile(file, 'utf8')) as Report;
      expect(report.verdict).toBe('error');
      expect(report.error).toMatchObject({ code: 'TARGET_UNREACHABLE' });
      expect(report.checks).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('--for runs its whole duration: rate × endpoints × --for requests, the last window included', async () => {
    // An API without rate limits that counts the watch's requests per path (the reachability GET
    // carries the run's User-Agent, the watch's requests the load one; --no-polite: no budget reads).
    const sent = new Map<string, number>();
    const api = createServer((req: IncomingMessage, res) => {
      if (req.headers['user-agent'] === 'harden-check (load)')
        sent.set(req.url!, (sent.get(req.url!) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    try {
      const forSec = 3;
      const rate = 2;
      const t0 = performance.now();
      const w = watch(
        [
          '--for',
          `${forSec}s`,
          '--rate',
          String(rate),
          '--endpoint',
          'GET /a',
          '--endpoint',
          'GET /b',
          '--no-polite',
          '--format',
          'json',
        ],
        `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
      );
      const code = await w.exited;
      const elapsedMs = performance.now() - t0;
      expect(code, w.stderr()).not.toBeNull();
      const report = JSON.parse(w.stdout()) as Report;
      // The whole --for, not one request interval short of it.
      expect(elapsedMs).toBeGreaterThanOrEqual(forSec * 1000);
      expect(report.durationMs).toBeGreaterThanOrEqual(forSec * 1000);
      expect(report.execution?.watch?.windows).toBe(forSec);
      for (const path of ['/a', '/b'])
        expect(Math.abs((sent.get(path) ?? 0) - rate * forSec), path).toBeLessThanOrEqual(1);
      const total = [...sent.values()].reduce((a, b) => a + b, 0);
      expect(Math.abs(total - rate * 2 * forSec)).toBeLessThanOrEqual(2);
      expect(report.latency?.requests).toBe(total);
    } finally {
      await new Promise((r) => api.close(r));
    }
  }, 60_000);
});
