import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
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

function watch(args: string[]): Watched {
  const child = spawn(process.execPath, [BIN, 'watch', server.url, ...args], {
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
});
