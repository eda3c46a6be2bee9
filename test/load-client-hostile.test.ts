// The load phase's HTTP/1.1 client against servers found in the field: a response head sent early
// with the body computed later, peers that answer with bytes that are not HTTP/1.x (an HTTP/2
// server's SETTINGS frame, a TLS alert) and then close or stay silent, and endpoint paths with
// characters outside visible ASCII. Raw TCP servers on 127.0.0.1, scripted per request.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type LoadPlan, LoadRunner, type LoadTarget } from '../src/load/run-load.js';

const servers: Server[] = [];
const timers: NodeJS.Timeout[] = [];
afterEach(async () => {
  for (const t of timers.splice(0)) clearTimeout(t);
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A raw server calling `answer` with each request head (requests carry no content). */
async function scripted(
  answer: (socket: Socket, head: string) => void,
): Promise<{ port: number; heads: string[] }> {
  const heads: string[] = [];
  const server = createServer((socket) => {
    let buffered = '';
    socket.on('error', () => undefined);
    socket.on('data', (d) => {
      buffered += d.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end !== -1; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        heads.push(head);
        answer(socket, head);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, heads };
}

function plan(port: number, opts: Partial<LoadPlan> & { targets?: LoadTarget[] } = {}): LoadPlan {
  return {
    origin: `http://127.0.0.1:${port}`,
    targets: [{ label: 'GET /', method: 'GET', path: '/', weight: 1 }],
    headers: { 'user-agent': 'harden-check (load)' },
    model: 'closed',
    rate: 1,
    requests: 4,
    connections: 2,
    durationMs: 30_000,
    timeoutMs: 5_000,
    insecure: false,
    ...opts,
  };
}

describe('load client: timeouts restart when the response head is complete', () => {
  it('a head within the timeout and a body pause within the timeout complete, however long the sum', async () => {
    // Head at 0.6 × timeout, body 0.6 × timeout later: each wait is within the timeout (the
    // headers timeout, then the body timeout, as undici applied them), their sum is not.
    const timeoutMs = 2_000;
    const s = await scripted((socket) => {
      timers.push(
        setTimeout(() => {
          socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n');
          timers.push(setTimeout(() => socket.write('ok'), 0.6 * timeoutMs));
        }, 0.6 * timeoutMs),
      );
    });
    const stats = await new LoadRunner(plan(s.port, { requests: 2, timeoutMs })).run();
    expect(stats.transportErrors).toEqual({});
    expect(stats.statusCodes).toEqual({ '200': 2 });
  });
});

describe('load client: bytes that are not HTTP/1.x are NOT_HTTP whatever follows them', () => {
  // An HTTP/2 server's SETTINGS frame then GOAWAY (RFC 9113 §3.4, §6.8), and a TLS alert record
  // (RFC 8446 §6): neither contains a line feed, so no status line ever completes.
  const h2 = Buffer.from('000000040000000000000008070000000000000000000001', 'hex');
  const tlsAlert = Buffer.from('15030300020232', 'hex');

  it.each([
    ['an HTTP/2 SETTINGS + GOAWAY', h2],
    ['a TLS alert', tlsAlert],
  ])('%s, then a close → NOT_HTTP (as llhttp classified it), not ECONNRESET', async (_name, bytes) => {
    const s = await scripted((socket) => socket.end(bytes));
    const stats = await new LoadRunner(plan(s.port)).run();
    expect(stats.transportErrors).toEqual({ NOT_HTTP: 4 });
  });

  it('an HTTP/2 SETTINGS frame on a connection held open → NOT_HTTP, not a timeout', async () => {
    const s = await scripted((socket) => socket.write(h2.subarray(0, 9)));
    const stats = await new LoadRunner(plan(s.port, { timeoutMs: 3_000 })).run();
    expect(stats.transportErrors).toEqual({ NOT_HTTP: 4 });
  });
});

describe('load client: request targets the probe phase sends', () => {
  it('a path with non-ASCII characters is sent percent-encoded as the probe phase sends it (new URL)', async () => {
    const s = await scripted((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    const targets = [{ label: 'GET /café', method: 'GET', path: '/café?q=ü', weight: 1 }];
    const stats = await new LoadRunner(plan(s.port, { targets, requests: 2 })).run();
    expect(stats.statusCodes).toEqual({ '200': 2 });
    const probeTarget = new URL('/café?q=ü', 'http://127.0.0.1');
    expect(s.heads[0]!.split('\r\n')[0]).toBe(`GET ${probeTarget.pathname}${probeTarget.search} HTTP/1.1`);
  });
});

describe('load client: the header size limit is the probe client’s (undici: field names and values)', () => {
  it('400 fields of 37 bytes (14,800 bytes of names and values, 16,400 on the wire) are accepted', async () => {
    // undici, which the probe phase uses, counts field names and values against 16 KiB, so the
    // probe phase reads this response; the load phase must not count it as HEADERS_OVERFLOW.
    let fields = '';
    for (let i = 0; i < 400; i++) fields += `x-h-${String(i).padStart(3, '0')}: ${'v'.repeat(30)}\r\n`;
    const s = await scripted((socket) =>
      socket.write(`HTTP/1.1 200 OK\r\n${fields}Content-Length: 0\r\n\r\n`),
    );
    const stats = await new LoadRunner(plan(s.port)).run();
    expect(stats.transportErrors).toEqual({});
    expect(stats.statusCodes).toEqual({ '200': 4 });
  });
});
