import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../server/errors.js';
import { call, type Reply } from './helpers/http.js';
import { startTestServer } from './helpers/server.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  server = await startTestServer({
    bodyLimit: 1024,
    extraRoutes: new Map([
      [
        '/test/throw',
        {
          GET: () => {
            throw new Error('secret internal failure at /srv/app/db.js:12:3');
          },
        },
      ],
      [
        '/test/http-error',
        {
          GET: () => {
            throw new HttpError(409, 'CONFLICT', 'Conflict.');
          },
        },
      ],
    ]),
  });
});
afterAll(() => server.stop());

function expectContract(r: Reply): void {
  expect(r.headers['x-request-id']).toMatch(UUID);
  expect(r.headers['x-latency-ms']).toMatch(/^\d+$/);
}

const json = { 'content-type': 'application/json' };

describe('header contract on every response', () => {
  const cases: Array<
    [string, { method?: string; path: string; headers?: Record<string, string>; body?: string }, number]
  > = [
    ['GET /healthz', { path: '/healthz' }, 200],
    ['GET /readyz', { path: '/readyz' }, 200],
    ['GET /v1/info', { path: '/v1/info' }, 200],
    ['GET /v1/forecast/summary', { path: '/v1/forecast/summary' }, 200],
    ['GET /metrics', { path: '/metrics' }, 200],
    ['GET /v1/export', { path: '/v1/export' }, 200],
    [
      'POST /v1/webhooks/events',
      { method: 'POST', path: '/v1/webhooks/events', headers: json, body: '{"type":"t","value":1}' },
      202,
    ],
    [
      'POST /v1/ai/forecast (too few points)',
      { method: 'POST', path: '/v1/ai/forecast', headers: json, body: '{}' },
      422,
    ],
    ['HEAD /v1/info', { method: 'HEAD', path: '/v1/info' }, 200],
    ['OPTIONS /v1/info', { method: 'OPTIONS', path: '/v1/info' }, 204],
    [
      '400 malformed JSON',
      { method: 'POST', path: '/v1/webhooks/events', headers: json, body: '{"type":' },
      400,
    ],
    ['404 unknown route', { path: '/nope' }, 404],
    ['405 wrong method', { method: 'DELETE', path: '/v1/info' }, 405],
    [
      '413 oversized body',
      { method: 'POST', path: '/v1/webhooks/events', headers: json, body: `{"type":"${'x'.repeat(2000)}"}` },
      413,
    ],
    [
      '415 wrong content type',
      { method: 'POST', path: '/v1/webhooks/events', headers: { 'content-type': 'text/plain' }, body: 'hi' },
      415,
    ],
    ['500 thrown handler error', { path: '/test/throw' }, 500],
  ];
  for (const [name, req, status] of cases) {
    it(`${name} → ${status} with X-Request-ID and X-Latency-MS`, async () => {
      const r = await call(server.url + req.path, req);
      expect(r.status).toBe(status);
      expectContract(r);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['cache-control']).toBe('no-store');
    });
  }

  it('429 carries the contract too', async () => {
    let last: Reply | undefined;
    for (let i = 0; i < 11; i++)
      last = await call(`${server.url}/v1/export`, { headers: { 'x-forwarded-for': '1.1.1.1' } });
    // The export budget (10) was partly spent above; keep going until the 429.
    for (let i = 0; i < 10 && last?.status !== 429; i++) last = await call(`${server.url}/v1/export`);
    expect(last?.status).toBe(429);
    expectContract(last!);
  });

  it('answers malformed HTTP and oversized headers with the contract, outside the router', async () => {
    const { connect } = await import('node:net');
    const raw = async (payload: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const sock = connect(server.port, '127.0.0.1', () => sock.write(payload));
        let data = '';
        sock.on('data', (d) => {
          data += d.toString();
        });
        sock.on('end', () => resolve(data));
        sock.on('error', reject);
      });
    const garbage = await raw('NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    expect(garbage).toMatch(/x-request-id: [0-9a-f-]{36}/i);
    expect(garbage).toMatch(/x-latency-ms: \d+/i);
    const huge = await raw(`GET /v1/info HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431/);
    expect(huge).toContain('application/problem+json');
  });
});

describe('request ids', () => {
  it('are unique across responses', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 30; i++) ids.add((await call(`${server.url}/healthz`)).headers['x-request-id']!);
    expect(ids.size).toBe(30);
  });

  it('echo a valid client UUID unchanged (case preserved)', async () => {
    const id = '3F2504E0-4F89-41D3-9A0C-0305E82C3301';
    const r = await call(`${server.url}/v1/info`, { headers: { 'x-request-id': id } });
    expect(r.headers['x-request-id']).toBe(id);
  });

  it('never reflect an invalid client value', async () => {
    for (const bad of [
      '<script>alert(1)</script>',
      'a'.repeat(300),
      'not-a-uuid',
      '3f2504e0-4f89-41d3-9a0c-0305e82c3301x',
    ]) {
      const r = await call(`${server.url}/nope`, { headers: { 'x-request-id': bad } });
      expect(r.headers['x-request-id']).toMatch(UUID);
      expect(r.headers['x-request-id']).not.toBe(bad);
      expect(r.text).not.toContain(bad);
    }
  });

  it('appear in error bodies as request_id', async () => {
    const r = await call(`${server.url}/nope`);
    expect((r.json() as { request_id: string }).request_id).toBe(r.headers['x-request-id']);
  });
});

describe('error responses', () => {
  it('405 lists the allowed methods', async () => {
    const r = await call(`${server.url}/v1/webhooks/events`);
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('POST, OPTIONS');
  });

  it('500 carries no stack, path or internal message', async () => {
    const r = await call(`${server.url}/test/throw`);
    expect(r.status).toBe(500);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = r.json() as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 500,
      title: 'Internal Server Error',
      request_id: r.headers['x-request-id'],
    });
    expect(r.text).not.toMatch(/secret|db\.js|\/srv|at .*:\d+:\d+/);
  });

  it('problem bodies are RFC 9457 with status equal to the HTTP status', async () => {
    for (const [path, status] of [
      ['/nope', 404],
      ['/test/http-error', 409],
    ] as const) {
      const r = await call(server.url + path);
      const body = r.json() as Record<string, unknown>;
      expect(r.status).toBe(status);
      expect(body.status).toBe(status);
      for (const k of ['type', 'title', 'detail', 'instance', 'request_id'])
        expect(typeof body[k]).toBe('string');
    }
  });

  it('a schema-invalid event is 400 naming the field, not echoing the value', async () => {
    const r = await call(`${server.url}/v1/webhooks/events`, {
      method: 'POST',
      headers: json,
      body: '{"type":"t","value":"<b>ten</b>"}',
    });
    expect(r.status).toBe(400);
    expect((r.json() as { detail: string }).detail).toContain('/value');
    expect(r.text).not.toContain('<b>ten</b>');
  });
});
