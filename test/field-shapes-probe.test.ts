import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runChecks } from '../src/index.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Reads an incoming request id the way Python's uuid.UUID does: braces, urn:uuid: and dashes are dropped. */
function lenientUuid(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const hex = value
    .replace(/^urn:uuid:/i, '')
    .replace(/^\{|\}$/g, '')
    .replace(/-/g, '');
  return /^[0-9a-f]{32}$/i.test(hex) ? value : undefined;
}

describe('probing a gateway that sends the draft-01…03 list form', () => {
  it('X-RateLimit-Limit: 5, 5;w=60 is read as a budget of 5: format passes and the probe runs and sees 429', async () => {
    let used = 0;
    const url = await serve((req, res) => {
      used++;
      const remaining = Math.max(0, 5 - used);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        'x-request-id': randomUUID(),
        'x-latency-ms': '0',
        'x-ratelimit-limit': '5, 5;w=60',
        'x-ratelimit-remaining': String(remaining),
        'x-ratelimit-reset': '60',
      };
      if (used > 5 && req.url?.startsWith('/v1/items')) {
        res.writeHead(429, { ...headers, 'content-type': 'application/problem+json', 'retry-after': '60' });
        res.end(JSON.stringify({ type: 'about:blank', title: 'Too Many Requests', status: 429 }));
        return;
      }
      res.writeHead(200, headers);
      res.end('{"ok":true}');
    });
    const r = await runChecks({
      target: url,
      endpoint: ['GET /v1/items'],
      duration: 0,
      timeout: 5000,
      checks: 'ratelimit',
      rateLimitProbe: true,
    });
    const status = (id: string) => r.checks.find((c) => c.id === id)?.status;
    expect(status('ratelimit.headers.present')).toBe('pass');
    expect(status('ratelimit.headers.format')).toBe('pass');
    expect(status('ratelimit.enforced')).toBe('pass');
    expect(status('ratelimit.429.contract')).toBe('pass');
    expect(r.checks.find((c) => c.id === 'ratelimit.enforced')?.message).toMatch(/Limit 5/);
  });
});

describe('request ids read by a lenient UUID parser', () => {
  it('a server that adopts and echoes non-canonical UUID spellings fails contract.request-id.injection', async () => {
    const url = await serve((req, res) => {
      const given = req.headers['x-request-id'];
      const id = lenientUuid(typeof given === 'string' ? given : undefined) ?? randomUUID();
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': id });
      res.end('{}');
    });
    const r = await runChecks({
      target: url,
      endpoint: ['GET /v1/items'],
      duration: 0,
      timeout: 5000,
      checks: 'contract',
    });
    const f = r.checks.find((c) => c.id === 'contract.request-id.injection');
    expect(f?.status).toBe('fail');
    expect(r.checks.find((c) => c.id === 'contract.request-id.echo')?.status).toBe('pass');
  });

  it('a server that echoes only canonical UUIDs passes it', async () => {
    const url = await serve((req, res) => {
      const given = req.headers['x-request-id'];
      const canonical =
        typeof given === 'string' && /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(given);
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-request-id': canonical ? given : randomUUID(),
      });
      res.end('{}');
    });
    const r = await runChecks({
      target: url,
      endpoint: ['GET /v1/items'],
      duration: 0,
      timeout: 5000,
      checks: 'contract',
    });
    expect(r.checks.find((c) => c.id === 'contract.request-id.injection')?.status).toBe('pass');
  });
});

describe('the reference server', () => {
  it('adopts only canonical UUIDs as request ids', async () => {
    const { isUuid } = await import('../server/stages/request-id.js');
    const { lenientUuidSpellings } = await import('../src/http/fields/index.js');
    const id = randomUUID();
    expect(isUuid(id)).toBe(true);
    for (const spelling of lenientUuidSpellings(id)) expect(isUuid(spelling)).toBe(false);
  });
});
