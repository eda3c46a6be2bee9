import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { call } from './helpers/http.js';
import { startTestServer } from './helpers/server.js';
import { prng } from '../fixtures/prng.js';

const METHODS = [
  'GET',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'HEAD',
  'OPTIONS',
  'TRACE',
  'BREW',
  'get',
  'G\u0000T',
];
const PATHS = [
  '/',
  '/healthz',
  '/v1/info',
  '/v1/webhooks/events',
  '/v1/ai/forecast',
  '/v1/export?format=csv',
  '/v1/export?format=%ZZ',
  '/%00',
  '/..%2f..%2fetc/passwd',
  `/${'a'.repeat(4000)}`,
  '/v1/info?x=%E0%A4%A',
  '*',
  'http://evil.test/v1/info',
  '/v1/webhooks/events?password=hunter2',
];
const BODIES = [
  '',
  '{}',
  '{"type":"t","value":1}',
  '{"type":',
  '\xff\xfe\xfd',
  'null',
  '[]',
  '{"type":"t","value":"1"}',
  `{"type":"t","value":1,"data":${'{"a":'.repeat(60)}1${'}'.repeat(60)}}`,
  '{"horizon":5}',
  '{"__proto__":{"polluted":true},"type":"t","value":1}',
];
const TYPES = [
  'application/json',
  'text/plain',
  'application/json; charset=latin1',
  'application/merge-patch+json',
  '',
];

/** Sends raw bytes and returns the raw reply (or '' when the server closed without answering). */
function raw(port: number, payload: string): Promise<string> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1', () => sock.end(payload, 'latin1'));
    let data = '';
    sock.on('data', (d) => {
      data += d.toString('latin1');
    });
    sock.on('close', () => resolve(data));
    sock.on('error', () => resolve(data));
    sock.setTimeout(5000, () => sock.destroy());
  });
}

describe('harden-server under fuzzed requests', () => {
  it('answers every parseable request with the header contract and never dies (300 seeded requests)', async () => {
    const server = await startTestServer({ bodyLimit: 4096, headersTimeoutMs: 2000 });
    const random = prng(Number(process.env.FUZZ_SEED ?? 7));
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    try {
      for (let i = 0; i < 300; i++) {
        const body = pick(BODIES);
        const headers = [
          `Host: 127.0.0.1`,
          `Content-Type: ${pick(TYPES)}`,
          `Content-Length: ${Buffer.byteLength(body, 'latin1')}`,
          'Connection: close',
        ];
        if (random() < 0.2)
          headers.push(
            `X-Request-ID: ${pick(['<x>', 'a'.repeat(300), '3f2504e0-4f89-41d3-9a0c-0305e82c3301', ''])}`,
          );
        if (random() < 0.1)
          headers.push(`X-Forwarded-For: ${pick(['1.2.3.4', 'garbage', '::1, 10.0.0.1', ''])}`);
        if (random() < 0.05) headers.push(`X-Big: ${'b'.repeat(20_000)}`);
        const reply = await raw(
          server.port,
          `${pick(METHODS)} ${pick(PATHS)} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n${body}`,
        );
        if (reply === '') continue; // closed without an answer (e.g. a reset on an unparseable method)
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1]);
        expect(status, reply.slice(0, 200)).toBeGreaterThanOrEqual(200);
        expect(status, reply.slice(0, 300)).not.toBe(500);
        expect(reply, reply.slice(0, 300)).toMatch(/\r\nx-request-id: [0-9a-f-]{36}\r\n/i);
        expect(reply).toMatch(/\r\nx-latency-ms: \d+\r\n/i);
        expect(reply).not.toMatch(/at .+:\d+:\d+|node:internal|\/work\//);
      }
      expect((await call(`${server.url}/healthz`)).status).toBe(200);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    } finally {
      await server.stop();
    }
  }, 60_000);
});
