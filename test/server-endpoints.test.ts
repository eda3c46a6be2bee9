import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holtForecast } from '../server/forecast.js';
import { call } from './helpers/http.js';
import { startTestServer } from './helpers/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
const json = { 'content-type': 'application/json' };
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  call(`${server.url}${path}`, {
    method: 'POST',
    headers: { ...json, ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  server = await startTestServer({ headersTimeoutMs: 500, requestTimeoutMs: 1000 });
  // A linear series y = 10 + 2t, plus events of another series.
  for (let t = 0; t < 12; t++)
    expect(
      (await post('/v1/webhooks/events', { type: 'sample', series: 'load', value: 10 + 2 * t })).status,
    ).toBe(202);
  await post('/v1/webhooks/events', { type: 'other', value: 1, data: { note: 'a,"quoted" =cell' } });
});
afterAll(() => server.stop());

describe('webhooks', () => {
  it('Idempotency-Key replays the first response and stores nothing new (more in idempotency.test.ts)', async () => {
    const key = { 'idempotency-key': '"order-42-created"' };
    const a = await post('/v1/webhooks/events', { type: 'order', value: 42 }, key);
    const b = await post('/v1/webhooks/events', { type: 'order', value: 42 }, key);
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.text).toBe(a.text);
    const all = (await call(`${server.url}/v1/export`)).text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(all.filter((e) => e.type === 'order')).toHaveLength(1);
  });

  it('a deeply nested event is refused with 400 and does not disturb other writes', async () => {
    const deep = `{"type":"x","value":1,"data":{"a":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
    const [bad, good] = await Promise.all([
      call(`${server.url}/v1/webhooks/events`, { method: 'POST', headers: json, body: deep }),
      post('/v1/webhooks/events', { type: 'neighbour', value: 7 }),
    ]);
    expect(bad.status).toBe(400);
    expect((bad.json() as { detail: string }).detail).toMatch(/nests deeper than 32 levels/);
    expect(good.status).toBe(202);
  });

  it('an event over 8 KiB is refused with 413 (state size stays bounded)', async () => {
    const r = await post('/v1/webhooks/events', { type: 'x', value: 1, data: { blob: 'x'.repeat(9000) } });
    expect(r.status).toBe(413);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('an event that does not match the schema is refused before anything is stored', async () => {
    const r = await post('/v1/webhooks/events', { type: 'x', value: 1, extra: true });
    expect(r.status).toBe(400);
    expect((r.json() as { detail: string }).detail).toMatch(/additional properties/);
  });
});

describe('forecast', () => {
  it("Holt's linear trend reproduces a linear series exactly", () => {
    const f = holtForecast([10, 12, 14, 16, 18, 20], 3);
    expect(f.forecast.map((v) => Math.round(v * 1e9) / 1e9)).toEqual([22, 24, 26]);
    expect(f.rmse).toBeCloseTo(0, 9);
  });

  it('POST /v1/ai/forecast forecasts a stored series with a bounded horizon', async () => {
    const r = await post('/v1/ai/forecast', { series: 'load', horizon: 3 });
    expect(r.status).toBe(200);
    const body = r.json() as { forecast: number[]; points: number; method: string };
    expect(body.method).toBe('holt-linear-trend');
    expect(body.points).toBe(12);
    expect(body.forecast.map(Math.round)).toEqual([34, 36, 38]);
    expect((await post('/v1/ai/forecast', { series: 'load', horizon: 1000 })).status).toBe(400);
    expect((await post('/v1/ai/forecast', { series: 'nothing' })).status).toBe(422);
  });

  it('GET /v1/forecast/summary summarizes each series', async () => {
    const r = await call(`${server.url}/v1/forecast/summary`);
    const load = (
      r.json() as { series: Array<{ series: string; count: number; min: number; max: number; last: number }> }
    ).series.find((s) => s.series === 'load');
    expect(load).toMatchObject({ count: 12, min: 10, max: 32, last: 32 });
  });
});

describe('export', () => {
  it('streams NDJSON by default, without idempotency hashes', async () => {
    const r = await call(`${server.url}/v1/export`);
    expect(r.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(r.headers['x-latency-ms']).toMatch(/^\d+$/);
    const lines = r.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThanOrEqual(14);
    expect(r.text).not.toContain('idempotencyKey');
  });

  it('streams CSV on Accept: text/csv or ?format=csv, quoted and safe for spreadsheets', async () => {
    for (const r of [
      await call(`${server.url}/v1/export?format=csv`),
      await call(`${server.url}/v1/export`, { headers: { accept: 'text/csv' } }),
    ]) {
      expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
      const rows = r.text.trim().split('\r\n');
      expect(rows[0]).toBe('id,receivedAt,type,series,value,occurredAt');
      expect(rows.length).toBeGreaterThanOrEqual(15);
    }
  });
});

describe('when the state cannot be written', () => {
  it('events get 503 + Retry-After (never 202), readiness and /metrics report it, and both recover', async () => {
    const s = await startTestServer();
    const event = (value: number) =>
      call(`${s.url}/v1/webhooks/events`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ type: 'a', value, data: { blob: 'x'.repeat(7000) } }),
      });
    try {
      expect((await event(1)).status).toBe(202);
      // Inside SQLite, every insert now fails and takes its commit down, as a full disk would.
      s.store.db.exec(
        "CREATE TRIGGER refuse BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'no space'); END",
      );
      const failed = await event(2);
      expect(failed.status).toBe(503);
      expect(failed.headers['retry-after']).toBe('5');
      const ready = await call(`${s.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.json()).toMatchObject({
        checks: {
          'state:store': { status: 'fail', output: 'last state write failed (SQLITE_CONSTRAINT_TRIGGER)' },
        },
      });
      expect((await call(`${s.url}/metrics`)).text).toMatch(/^harden_state_write_failures_total 1$/m);
      s.store.db.exec('DROP TRIGGER refuse');
      expect((await event(3)).status).toBe(202);
      expect((await call(`${s.url}/readyz`)).status).toBe(200);
      expect((await call(`${s.url}/v1/export`)).text.trim().split('\n')).toHaveLength(2);
    } finally {
      await s.stop();
    }
  });
});

describe('slow clients', () => {
  it('a client that never finishes its headers gets 408 and is disconnected', async () => {
    const reply = await new Promise<string>((resolve) => {
      const sock = connect(server.port, '127.0.0.1', () =>
        sock.write('GET /v1/info HTTP/1.1\r\nHost: x\r\n'),
      );
      let data = '';
      sock.on('data', (d) => {
        data += d.toString();
      });
      sock.on('close', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    expect(reply).toMatch(/x-request-id: [0-9a-f-]{36}/);
    expect(reply).toContain('application/problem+json');
  });
});
