import { readFile } from 'node:fs/promises';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REDIS_COMMAND_TIMEOUT_MS } from '../server/redis-client.js';
import { call } from './helpers/http.js';
import { type ControlledRedis, startControlledRedis } from './helpers/redis.js';
import { startTestServer } from './helpers/server.js';

const KEY = 'outage-test-key-0123456789';
const WORKERS = 6;

interface Sample {
  /** performance.now() when the response ended. */
  at: number;
  ms: number;
  status: number;
  retryAfter: string | undefined;
  problem: boolean;
}

/** A bounded closed-loop load: WORKERS clients each sending GET /v1/info back to back. */
function startLoad(url: string) {
  const pool = new Pool(url, { connections: WORKERS });
  const samples: Sample[] = [];
  let running = true;
  const worker = async () => {
    // Hard cap so the load stops by itself even if the test forgets to.
    for (let i = 0; running && i < 20_000; i++) {
      const t0 = performance.now();
      const res = await pool.request({ path: '/v1/info', method: 'GET', headers: { 'x-api-key': KEY } });
      const text = await res.body.text();
      const at = performance.now();
      samples.push({
        at,
        ms: at - t0,
        status: res.statusCode,
        retryAfter: res.headers['retry-after'] as string | undefined,
        problem:
          String(res.headers['content-type']).startsWith('application/problem+json') &&
          (JSON.parse(text) as { status: number }).status === res.statusCode,
      });
      // Keep the load bounded: a short pause between requests of one client.
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  const done = Promise.all(Array.from({ length: WORKERS }, worker));
  let stopped: Promise<void> | undefined;
  return {
    samples,
    since: (t: number) => samples.filter((s) => s.at >= t),
    stop() {
      running = false;
      stopped ??= done.then(() => pool.close());
      return stopped;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(predicate: () => boolean | Promise<boolean>, ms: number): Promise<number> {
  const t0 = performance.now();
  while (!(await predicate())) {
    if (performance.now() - t0 > ms) throw new Error(`condition not met within ${ms} ms`);
    await sleep(10);
  }
  return performance.now() - t0;
}

const max = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), 0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

describe('Redis outage under load (real redis-server killed, restarted, paused)', () => {
  let redis: ControlledRedis;
  beforeAll(async () => {
    redis = await startControlledRedis();
  });
  afterAll(() => redis.kill());

  it('fails fast with 503 + Retry-After + problem body, keeps /healthz and /metrics, and recovers by itself', async () => {
    const server = await startTestServer({
      redisUrl: redis.url,
      redisPrefix: `outage:${Date.now()}`,
      logToFile: true,
      apiKeys: [{ name: 'load', key: KEY, kind: 'override', limits: { default: 1_000_000 } }],
    });
    const load = startLoad(server.url);
    const gauge = async () =>
      /harden_dependency_up\{dependency="redis"\} (\d)/.exec((await call(`${server.url}/metrics`)).text)?.[1];
    try {
      // Reference: the same load while Redis is healthy.
      await sleep(800);
      const healthy = load.since(0);
      expect(healthy.length).toBeGreaterThan(20);
      expect(healthy.every((s) => s.status === 200)).toBe(true);
      const reference = max(healthy.map((s) => s.ms));
      const bound = DEFAULT_REDIS_COMMAND_TIMEOUT_MS + 50 + reference;
      expect(await gauge()).toBe('1');

      // 1. The process dies: the connection closes, the outage is known at once.
      await redis.kill();
      const killedAt = performance.now();
      await sleep(1000);
      const down = load.since(killedAt);
      const first503 = down.find((s) => s.status === 503);
      expect(first503, 'no 503 after Redis was killed').toBeDefined();
      const timeTo503 = first503!.at - killedAt;
      expect(down.every((s) => s.status === 503 && s.retryAfter === '1' && s.problem)).toBe(true);
      const downLatencies = down.map((s) => s.ms);
      expect(max(downLatencies)).toBeLessThanOrEqual(bound);
      expect((await call(`${server.url}/healthz`)).status).toBe(200);
      const ready = await call(`${server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.json()).toMatchObject({ checks: { 'redis:ping': { status: 'fail' } } });
      expect(await gauge()).toBe('0');

      // 2. It comes back on the same port: requests succeed again without a restart.
      await redis.start();
      const restartedAt = performance.now();
      const recoveryMs = await until(() => load.since(restartedAt).some((s) => s.status === 200), 5000);
      expect(await gauge()).toBe('1');
      expect((await call(`${server.url}/readyz`)).status).toBe(200);

      // 3. It hangs (SIGSTOP): connections stay open, nothing answers; the per-command timeout bounds each wait.
      await sleep(200);
      redis.pause();
      const pausedAt = performance.now();
      await sleep(1800);
      const hung = load.since(pausedAt + reference);
      expect(hung.length).toBeGreaterThan(0);
      expect(hung.every((s) => s.status === 503 && s.problem)).toBe(true);
      expect(max(hung.map((s) => s.ms))).toBeLessThanOrEqual(bound);
      expect(await gauge()).toBe('0');
      redis.resume();
      const resumedAt = performance.now();
      await until(() => load.since(resumedAt).some((s) => s.status === 200), 5000);

      await load.stop();
      await server.close(1000); // flushes the log
      const log = (await readFile(server.logFile, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { event?: string; dependency?: string; reason?: string });
      const events = log.filter((l) => l.dependency === 'redis').map((l) => l.event);
      expect(events).toEqual(['dependency_lost', 'dependency_back', 'dependency_lost', 'dependency_back']);
      console.log(
        `redis outage: reference max ${reference.toFixed(1)} ms; killed → first 503 after ${timeTo503.toFixed(1)} ms; ` +
          `503 latency median ${median(downLatencies).toFixed(1)} ms, max ${max(downLatencies).toFixed(1)} ms (bound ${bound.toFixed(1)}); ` +
          `hung: max ${max(hung.map((s) => s.ms)).toFixed(1)} ms; recovery after restart ${recoveryMs.toFixed(0)} ms`,
      );
    } finally {
      await load.stop();
      await server.stop();
    }
  }, 30_000);
});
