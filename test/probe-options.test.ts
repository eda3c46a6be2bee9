import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture } from '../fixtures/api.js';
import { startDelayServer } from '../fixtures/known-latency.js';
import { attachProgress } from '../src/cli/progress.js';
import { runChecks } from '../src/index.js';
import { LoadRunner } from '../src/load/run-load.js';
import type { Report } from '../src/types.js';
import { startTestRedis, type TestRedis } from './helpers/redis.js';
import { startTestServer } from './helpers/server.js';
import { DEMO_ENDPOINTS } from '../src/cli/demo.js';

const ENDPOINTS = DEMO_ENDPOINTS;
const statusOf = (r: Report, id: string) => r.checks.filter((c) => c.id === id).map((c) => c.status);

let dir: string;
let redis: TestRedis;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-probe-'));
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the reference server passes every ratelimit check with --rate-limit-probe', () => {
  for (const store of ['memory', 'redis'] as const) {
    it(`${store} store`, async () => {
      const server = await startTestServer(
        store === 'redis' ? { redisUrl: redis.url, redisPrefix: `test:${randomUUID()}` } : {},
      );
      const notices: string[] = [];
      try {
        const r = await runChecks({
          target: server.url,
          endpoint: ENDPOINTS,
          duration: 0,
          rateLimitProbe: true,
          checks: 'ratelimit',
          onNotice: (l) => notices.push(l),
        });
        const ids = [
          'ratelimit.headers.present',
          'ratelimit.headers.format',
          'ratelimit.policy',
          'ratelimit.remaining.decrements',
          'ratelimit.enforced',
          'ratelimit.429.contract',
          'ratelimit.spoofing',
          'ratelimit.isolation',
          'ratelimit.per-ip',
        ];
        for (const id of ids) expect(statusOf(r, id).length, id).toBeGreaterThan(0);
        const judged = r.checks.filter((c) => c.category === 'ratelimit');
        expect(judged.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.message}`)).toEqual([]);
        // The other checks are in the report too, skipped by configuration.
        expect(r.checks.filter((c) => c.category !== 'ratelimit').every((c) => c.status === 'skip')).toBe(
          true,
        );
        // The probe announces what it will send before sending it.
        expect(notices[0]).toMatch(/^rate-limit probe: up to \d+ requests to GET \/v1\/export/);
      } finally {
        await server.stop();
      }
    });
  }
});

describe('rate-limit probe options', () => {
  it('--wait-for-reset confirms the budget returns after the window', async () => {
    const fixture = await startFixture({ windowMs: 2000 });
    try {
      const r = await runChecks({
        target: fixture.url,
        endpoint: ['GET /v1/export', 'GET /v1/info'],
        duration: 0,
        rateLimitProbe: true,
        waitForReset: true,
        checks: 'ratelimit',
      });
      const enforced = r.checks.filter((c) => c.id === 'ratelimit.enforced');
      expect(enforced.map((c) => c.status)).toEqual(['pass', 'pass']);
      expect(enforced[1]?.message).toMatch(/budget returned/);
    } finally {
      await fixture.close();
    }
  }, 20_000);

  it('--source-address names the second client address for ratelimit.per-ip', async () => {
    const fixture = await startFixture({});
    try {
      const r = await runChecks({
        target: fixture.url,
        endpoint: ['GET /v1/export'],
        duration: 0,
        rateLimitProbe: true,
        sourceAddress: ['127.0.0.3'],
        checks: 'ratelimit',
      });
      const perIp = r.checks.find((c) => c.id === 'ratelimit.per-ip');
      expect(perIp?.status).toBe('pass');
      expect(perIp?.message).toContain('127.0.0.3');
    } finally {
      await fixture.close();
    }
  });

  it('without the probe, active checks skip and say how to run them', async () => {
    const fixture = await startFixture({});
    try {
      const r = await runChecks({ target: fixture.url, duration: 0, checks: 'ratelimit' });
      for (const id of [
        'ratelimit.enforced',
        'ratelimit.spoofing',
        'ratelimit.isolation',
        'ratelimit.per-ip',
      ]) {
        const c = r.checks.find((x) => x.id === id);
        expect(c?.status).toBe('skip');
        expect(c?.message).toMatch(/--rate-limit-probe/);
      }
    } finally {
      await fixture.close();
    }
  });
});

describe('error schema and log sources', () => {
  it('--error-schema judges error bodies by the user’s envelope', async () => {
    const fixture = await startFixture({ defects: { errorsAdHocJson: true } });
    const schema = join(dir, 'envelope.json');
    await writeFile(
      schema,
      JSON.stringify({
        type: 'object',
        required: ['error', 'request_id'],
        properties: { error: { type: 'string' }, request_id: { type: 'string' } },
      }),
    );
    try {
      const rfc = await runChecks({
        target: fixture.url,
        endpoint: ENDPOINTS,
        duration: 0,
        checks: 'errors',
      });
      expect(statusOf(rfc, 'errors.schema')).toContain('fail');
      const own = await runChecks({
        target: fixture.url,
        endpoint: ENDPOINTS,
        duration: 0,
        checks: 'errors',
        errorSchema: schema,
      });
      expect(statusOf(own, 'errors.schema').every((s) => s === 'pass')).toBe(true);
    } finally {
      await fixture.close();
    }
  });

  it('an invalid --error-schema is a usage error', async () => {
    const bad = join(dir, 'bad-schema.json');
    await writeFile(bad, JSON.stringify({ type: 'no-such-type' }));
    await expect(runChecks({ target: 'http://127.0.0.1:9', errorSchema: bad })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      exitCode: 2,
    });
  });

  it('--log-command reads the target’s log from a command', async () => {
    const file = join(dir, 'cmd-leaky.log');
    const fixture = await startFixture({ defects: { leakyLogFile: file } });
    try {
      const r = await runChecks({
        target: fixture.url,
        endpoint: ENDPOINTS,
        duration: 0,
        checks: 'logs',
        logCommand: `cat ${file}`,
      });
      expect(statusOf(r, 'logs.redaction')).toEqual(['fail']);
    } finally {
      await fixture.close();
    }
  });
});

describe('load phase planning', () => {
  it('is polite by default: the load stays within the advertised budget and says so', async () => {
    const fixture = await startFixture({});
    try {
      const r = await runChecks({
        target: fixture.url,
        endpoint: ['GET /v1/info'],
        rate: 200,
        duration: 2,
        checks: 'slo',
      });
      // Default policy: 100 per window; the plan keeps 10 % in reserve and never reaches a 429.
      expect(r.latency?.requests).toBeLessThanOrEqual(90);
      expect(r.latency?.rateLimited).toBe(0);
      expect(String(r.latency?.politeNote)).toMatch(/polite mode kept the load to \d+ requests/);
      expect(r.checks.find((c) => c.id === 'slo.latency.p99')?.status).toBe('warn');
    } finally {
      await fixture.close();
    }
  });

  it('--no-polite runs at the requested rate and counts 429s apart from errors', async () => {
    const fixture = await startFixture({});
    try {
      const r = await runChecks({
        target: fixture.url,
        endpoint: ['GET /v1/info'],
        rate: 200,
        duration: 1,
        polite: false,
        checks: 'slo',
      });
      expect(r.latency?.requests).toBe(200);
      expect(r.latency?.rateLimited).toBeGreaterThan(90);
      expect(r.latency?.errors).toBe(0);
      expect(r.checks.find((c) => c.id === 'slo.error-rate')?.status).not.toBe('fail');
    } finally {
      await fixture.close();
    }
  });

  it('per-endpoint SLO targets from the config are judged per endpoint', async () => {
    const server = await startDelayServer((i) => (i % 2 === 0 ? 1 : 30));
    const config = join(dir, 'per-endpoint.json');
    await writeFile(
      config,
      JSON.stringify({
        endpoints: [
          { method: 'GET', path: '/fast', slo: { p95Ms: 10 } },
          { method: 'GET', path: '/slow' },
        ],
        load: { rate: 100, duration: 1, polite: false },
      }),
    );
    try {
      const r = await runChecks({ target: server.url, config, checks: 'slo' });
      const perEndpoint = r.checks.filter((c) => c.id === 'slo.latency.p95' && c.endpoint === 'GET /fast');
      expect(perEndpoint).toHaveLength(1);
      expect(perEndpoint[0]?.message).toMatch(/^GET \/fast: /);
    } finally {
      await server.close();
    }
  });

  it('the progress display is a subscriber that writes one updating line to a terminal', async () => {
    const server = await startDelayServer(() => 1);
    const stream = Object.assign(new PassThrough(), { isTTY: true }) as unknown as NodeJS.WriteStream;
    let written = '';
    (stream as unknown as PassThrough).on('data', (d: Buffer) => (written += d.toString()));
    try {
      const runner = new LoadRunner({
        origin: server.url,
        targets: [{ label: 'GET /', method: 'GET', path: '/', weight: 1 }],
        headers: {},
        model: 'open',
        rate: 100,
        requests: 150,
        connections: 1,
        durationMs: 1500,
        timeoutMs: 5000,
        insecure: false,
      });
      attachProgress(runner, stream);
      await runner.run();
      expect(written).toMatch(/\r\u001b\[2Kload: 1 s, \d+ sent, \d+ req\/s, p99 [\d.]+ ms, 0 errors/);
      expect(written.endsWith('\r\u001b[2K')).toBe(true);
    } finally {
      await server.close();
    }
  });
});
