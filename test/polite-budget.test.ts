// Polite mode reads each load target's rate-limit budget before the load: with the request-target
// the load client sends (percent-encoded), and a budget it cannot read is said, not assumed away.
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliBin } from './helpers/spawn-cli.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

describe('polite mode budget read', () => {
  it('reads the budget of a non-ASCII endpoint at its percent-encoded path and keeps the load within it', async () => {
    const urls: string[] = [];
    let malformed = 0;
    let remaining = 12;
    server = createServer((req, res) => {
      urls.push(req.url ?? '');
      if (req.url !== '/caf%C3%A9') return res.writeHead(404, { 'content-length': '0' }).end();
      remaining = Math.max(0, remaining - 1);
      res
        .writeHead(remaining > 0 ? 200 : 429, {
          'content-type': 'application/json',
          'ratelimit-policy': '12;w=60',
          ratelimit: `limit=12, remaining=${remaining}, reset=60`,
        })
        .end('{}');
    });
    server.on('clientError', (_err, socket) => {
      malformed++;
      socket.destroy();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const r = await runCliBin([
      `http://127.0.0.1:${port}`,
      '--endpoint',
      'GET /café',
      '--checks',
      'slo',
      '--rate',
      '50',
      '--duration',
      '1',
      '--format',
      'json',
    ]);
    expect(malformed).toBe(0);
    const load = urls.filter((u) => u === '/caf%C3%A9');
    // The budget (12) caps the load: the budget read plus at most the remaining budget's worth.
    expect(load.length).toBeLessThan(12);
    expect(r.stderr).toMatch(
      /load: \d+ requests at 50 req\/s .*limited by the rate-limit budget of GET \/café \(limit 12,/,
    );
  });

  it('says when a budget cannot be read instead of treating it as no budget', async () => {
    server = createServer((req, res) => {
      // The probe phase's requests are answered; the budget read (the first request with the load
      // phase's user agent) meets a reset.
      if (req.headers['user-agent']?.includes('(load)')) return req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const r = await runCliBin([
      `http://127.0.0.1:${port}`,
      '--endpoint',
      'GET /items',
      '--checks',
      'slo',
      '--rate',
      '20',
      '--duration',
      '0.5',
      '--format',
      'json',
    ]);
    expect(r.stderr).toMatch(/load: could not read the rate-limit budget of GET \/items \(connection reset/);
  });
});
