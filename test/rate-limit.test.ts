import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer } from './helpers/child-server.js';
import { call } from './helpers/http.js';
import { startTestRedis, type TestRedis } from './helpers/redis.js';
import { startTestServer } from './helpers/server.js';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

const json = { 'content-type': 'application/json' };

async function spend(url: string, n: number, init: Parameters<typeof call>[1] = {}) {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await call(url, init)).status);
  return statuses;
}

describe('policy limits (memory store)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('export allows exactly 10 per window, then 429 with the full contract', async () => {
    const statuses = await spend(`${server.url}/v1/export`, 10);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const r = await call(`${server.url}/v1/export`);
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toMatch(/^\d+$/);
    const retry = Number(r.headers['retry-after']);
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(r.headers['x-ratelimit-limit']).toBe('10');
    expect(r.headers['x-ratelimit-remaining']).toBe('0');
    const reset = Number(r.headers['x-ratelimit-reset']);
    expect(Math.abs(reset - Math.ceil(Date.now() / 1000) - retry)).toBeLessThanOrEqual(2);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.json()).toMatchObject({
      status: 429,
      title: 'Too Many Requests',
      request_id: r.headers['x-request-id'],
    });
    expect(r.headers.ratelimit).toBe(`"export";r=0;t=${retry}`);
  });

  it('isolates policies: default is untouched after export is spent', async () => {
    const r = await call(`${server.url}/v1/info`);
    expect(r.status).toBe(200);
    expect(r.headers['x-ratelimit-limit']).toBe('100');
    expect(r.headers['x-ratelimit-remaining']).toBe('99');
  });

  it('ai allows exactly 20, default exactly 100, webhook exactly 1000', async () => {
    const ai = await spend(`${server.url}/v1/ai/forecast`, 21, { method: 'POST', headers: json, body: '{}' });
    expect(ai.slice(0, 20).every((s) => s === 422)).toBe(true);
    expect(ai[20]).toBe(429);
    const def = await spend(`${server.url}/v1/forecast/summary`, 100);
    // /v1/info above spent one of the 100.
    expect(def.filter((s) => s === 200)).toHaveLength(99);
    expect(def[99]).toBe(429);
    const body = '{"type":"t","value":1}';
    const hooks = await Promise.all(
      Array.from({ length: 10 }, () =>
        spend(`${server.url}/v1/webhooks/events`, 100, { method: 'POST', headers: json, body }),
      ),
    );
    expect(hooks.flat().filter((s) => s === 202)).toHaveLength(1000);
    const over = await call(`${server.url}/v1/webhooks/events`, { method: 'POST', headers: json, body });
    expect(over.status).toBe(429);
  });

  it('never limits operational endpoints (/healthz, /readyz, /metrics), even after the default budget is spent', async () => {
    const statuses = [
      ...(await spend(`${server.url}/healthz`, 150)),
      ...(await spend(`${server.url}/readyz`, 150)),
      ...(await spend(`${server.url}/metrics`, 150)),
    ];
    expect(statuses.every((s) => s === 200)).toBe(true);
    const spent = await spend(`${server.url}/v1/info`, 101);
    expect(spent.at(-1)).toBe(429);
    const scrape = await call(`${server.url}/metrics`);
    expect(scrape.status).toBe(200);
    expect(scrape.headers['x-ratelimit-limit']).toBeUndefined();
  });
});

describe('client identity', () => {
  it('ignores X-Forwarded-For without --trust-proxy', async () => {
    const server = await startTestServer();
    try {
      await spend(`${server.url}/v1/export`, 10);
      const spoofed = await call(`${server.url}/v1/export`, {
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      expect(spoofed.status).toBe(429);
    } finally {
      await server.stop();
    }
  });

  it('honours X-Forwarded-For with --trust-proxy 1 (right-most hop)', async () => {
    const server = await startTestServer({ trustProxy: '1' });
    try {
      const a = await spend(`${server.url}/v1/export`, 11, { headers: { 'x-forwarded-for': '203.0.113.1' } });
      expect(a[10]).toBe(429);
      const b = await call(`${server.url}/v1/export`, { headers: { 'x-forwarded-for': '203.0.113.2' } });
      expect(b.status).toBe(200);
      // A spoofed left-most entry does not change the key: the proxy appended the real address last.
      const c = await call(`${server.url}/v1/export`, {
        headers: { 'x-forwarded-for': '9.9.9.9, 203.0.113.1' },
      });
      expect(c.status).toBe(429);
    } finally {
      await server.stop();
    }
  });

  it('honours X-Forwarded-For only from trusted CIDRs', async () => {
    const trusted = await startTestServer({ trustProxy: '127.0.0.0/8' });
    const untrusted = await startTestServer({ trustProxy: '10.0.0.0/8' });
    try {
      await spend(`${trusted.url}/v1/export`, 10, { headers: { 'x-forwarded-for': '198.51.100.7' } });
      expect(
        (await call(`${trusted.url}/v1/export`, { headers: { 'x-forwarded-for': '198.51.100.8' } })).status,
      ).toBe(200);
      await spend(`${untrusted.url}/v1/export`, 10, { headers: { 'x-forwarded-for': '198.51.100.7' } });
      expect(
        (await call(`${untrusted.url}/v1/export`, { headers: { 'x-forwarded-for': '198.51.100.8' } })).status,
      ).toBe(429);
    } finally {
      await trusted.stop();
      await untrusted.stop();
    }
  });
});

describe('API keys', () => {
  const bypassKey = `bypass-${randomUUID()}`;
  const overrideKey = `override-${randomUUID()}`;
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      apiKeys: [
        { name: 'ci-loadtest', key: bypassKey, kind: 'bypass' },
        { name: 'partner-a', key: overrideKey, kind: 'override', limits: { export: 3 } },
      ],
    });
  });
  afterAll(() => server.stop());

  it('a bypass key is never limited and gets no budget headers', async () => {
    const statuses = await spend(`${server.url}/v1/export`, 15, { headers: { 'x-api-key': bypassKey } });
    expect(statuses.every((s) => s === 200)).toBe(true);
    const r = await call(`${server.url}/v1/export`, { headers: { 'x-api-key': bypassKey } });
    expect(r.headers['x-ratelimit-limit']).toBeUndefined();
  });

  it('an override key gets its own limit and budget', async () => {
    const statuses = await spend(`${server.url}/v1/export`, 4, { headers: { 'x-api-key': overrideKey } });
    expect(statuses).toEqual([200, 200, 200, 429]);
    // The IP's own budget was not touched by the key's requests.
    const plain = await call(`${server.url}/v1/export`);
    expect(plain.status).toBe(200);
    expect(plain.headers['x-ratelimit-remaining']).toBe('9');
  });

  it('a wrong key is treated as no key', async () => {
    const r = await call(`${server.url}/v1/info`, { headers: { 'x-api-key': `${bypassKey}x` } });
    expect(r.headers['x-ratelimit-limit']).toBe('100');
  });
});

describe('atomicity under concurrency', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(() => redis.stop());

  for (const store of ['memory', 'redis'] as const) {
    it(`${store}: 60 concurrent requests against a budget of 10 let exactly 10 through`, async () => {
      const server = await startTestServer(
        store === 'redis' ? { redisUrl: redis.url, redisPrefix: `test:${randomUUID()}` } : {},
      );
      try {
        const replies = await Promise.all(Array.from({ length: 60 }, () => call(`${server.url}/v1/export`)));
        expect(replies.filter((r) => r.status === 200)).toHaveLength(10);
        expect(replies.filter((r) => r.status === 429)).toHaveLength(50);
      } finally {
        await server.stop();
      }
    });
  }

  it('two server processes on one Redis enforce one shared budget', async () => {
    const prefix = `test:${randomUUID()}`;
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/harden-two-`);
    const a = await spawnServer([
      '--redis',
      redis.url,
      '--redis-prefix',
      prefix,
      '--state',
      `${dir}/a.json`,
      '--log-file',
      `${dir}/a.log`,
    ]);
    const b = await spawnServer([
      '--redis',
      redis.url,
      '--redis-prefix',
      prefix,
      '--state',
      `${dir}/b.json`,
      '--log-file',
      `${dir}/b.log`,
    ]);
    try {
      const replies = await Promise.all(
        Array.from({ length: 30 }, (_, i) => call(`${i % 2 ? a.url : b.url}/v1/export`)),
      );
      expect(replies.filter((r) => r.status === 200)).toHaveLength(10);
      const ready = await call(`${a.url}/readyz`);
      expect(ready.json()).toMatchObject({ status: 'pass', checks: { 'redis:ping': { status: 'pass' } } });
    } finally {
      expect(await a.stop()).toBe(0);
      expect(await b.stop()).toBe(0);
    }
  });
});

describe('when Redis goes away', () => {
  it('rate-limited requests fail closed with 503 + Retry-After, health stays up, readiness reports it', async () => {
    const own = await startTestRedis({ own: true });
    const server = await startTestServer({ redisUrl: own.url, redisPrefix: `test:${randomUUID()}` });
    try {
      expect((await call(`${server.url}/v1/info`)).status).toBe(200);
      await own.stop();
      const r = await call(`${server.url}/v1/info`);
      expect(r.status).toBe(503);
      expect(r.headers['retry-after']).toBe('1');
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect((await call(`${server.url}/healthz`)).status).toBe(200);
      const ready = await call(`${server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.json()).toMatchObject({ status: 'fail', checks: { 'redis:ping': { status: 'fail' } } });
    } finally {
      await server.stop();
    }
  });
});
