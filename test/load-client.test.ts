// The load phase's HTTP/1.1 client over real sockets: persistence, connection-close styles,
// stale keep-alive closes, timeouts, hostile bytes, and TLS. Each server is a raw TCP server on
// 127.0.0.1 scripted per request, so the exact bytes on the wire are what the RFCs describe.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { type LoadPlan, LoadRunner, type LoadTarget } from '../src/load/run-load.js';

interface Exchange {
  socket: Socket;
  /** Requests seen on this connection so far, this one included. */
  nth: number;
  head: string;
}

interface Scripted {
  port: number;
  connections: number;
  heads: string[];
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A raw server calling `answer` once per request head (requests carry no content). */
async function scripted(
  answer: (x: Exchange) => void,
  tlsOptions?: { key: Buffer; cert: Buffer },
): Promise<Scripted> {
  const state: Scripted = { port: 0, connections: 0, heads: [] };
  const onSocket = (socket: Socket) => {
    state.connections++;
    let buffered = '';
    let nth = 0;
    socket.on('error', () => undefined);
    socket.on('data', (d) => {
      buffered += d.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end !== -1; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        state.heads.push(head);
        answer({ socket, nth: ++nth, head });
      }
    });
  };
  const server = tlsOptions ? createTlsServer(tlsOptions, onSocket) : createServer(onSocket);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.port = (server.address() as { port: number }).port;
  return state;
}

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Latency-MS: 1\r\n\r\nok';

async function load(
  port: number,
  opts: Partial<LoadPlan> & { targets?: LoadTarget[]; scheme?: string } = {},
): Promise<LoadRunner['stats']> {
  const plan: LoadPlan = {
    origin: `${opts.scheme ?? 'http'}://127.0.0.1:${port}`,
    targets: [{ label: 'GET /', method: 'GET', path: '/', weight: 1 }],
    headers: { 'user-agent': 'harden-check (load)', 'x-run': 'r1' },
    model: 'closed',
    rate: 1,
    requests: 20,
    connections: 2,
    durationMs: 30_000,
    timeoutMs: 5_000,
    insecure: false,
    ...opts,
  };
  return new LoadRunner(plan).run();
}

describe('load client: persistence', () => {
  it('reuses persistent connections and sends Host, the load headers and Content-Length: 0 for POST', async () => {
    const s = await scripted(({ socket }) => socket.write(OK));
    const stats = await load(s.port, {
      connections: 3,
      requests: 30,
      targets: [
        { label: 'GET /a?x=1', method: 'GET', path: '/a?x=1', weight: 1 },
        { label: 'POST /b', method: 'POST', path: '/b', weight: 1 },
      ],
    });
    expect(stats.completed).toBe(30);
    expect(stats.statusCodes).toEqual({ '200': 30 });
    expect(stats.server.totalCount).toBe(30);
    expect(s.connections).toBeLessThanOrEqual(3);
    const get = s.heads.find((h) => h.startsWith('GET '))!;
    const post = s.heads.find((h) => h.startsWith('POST '))!;
    expect(get.split('\r\n')[0]).toBe('GET /a?x=1 HTTP/1.1');
    expect(get).toContain(`\r\nhost: 127.0.0.1:${s.port}`);
    expect(get).toContain('\r\nx-run: r1');
    expect(get).not.toMatch(/content-length/i);
    expect(post).toMatch(/\r\ncontent-length: 0$/m);
  });

  it('Connection: close and HTTP/1.0 responses: a new connection per request, none lost', async () => {
    const close = await scripted(({ socket }) =>
      socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok'),
    );
    const a = await load(close.port, { requests: 25 });
    expect(a.statusCodes).toEqual({ '200': 25 });
    expect(close.connections).toBe(25);

    // HTTP/1.0 without Content-Length: the body runs to the close (RFC 9112 §6.3 item 8).
    const http10 = await scripted(({ socket }) => socket.end('HTTP/1.0 200 OK\r\n\r\nbody until close'));
    const b = await load(http10.port, { requests: 25 });
    expect(b.statusCodes).toEqual({ '200': 25 });
    expect(b.errors).toBe(0);
  });

  it('a persistent connection closed by the server as a request arrives: GET is retried once, POST is not', async () => {
    // Every second request on a connection meets a close: the race of an idle-timeout close.
    const answer = ({ socket, nth }: Exchange) => (nth === 2 ? socket.destroy() : socket.write(OK));
    const get = await scripted(answer);
    const g = await load(get.port, { requests: 20 });
    expect(g.statusCodes).toEqual({ '200': 20 });
    expect(g.errors).toBe(0);

    const post = await scripted(answer);
    const p = await load(post.port, {
      requests: 20,
      targets: [{ label: 'POST /', method: 'POST', path: '/', weight: 1 }],
    });
    expect(p.completed).toBe(20);
    expect(p.transportErrors.ECONNRESET).toBeGreaterThan(0);
    expect(p.transportErrors.ECONNRESET! + (p.statusCodes['200'] ?? 0)).toBe(20);
  });

  it('interim 1xx responses are skipped, chunked bodies dripped byte by byte are read', async () => {
    const s = await scripted(({ socket }) => {
      const raw =
        'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nX-Latency-MS: 9\r\n\r\n' +
        '3;ext=1\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n';
      let i = 0;
      const drip = () => {
        if (socket.destroyed) return;
        socket.write(raw.slice(i, i + 7));
        i += 7;
        if (i < raw.length) setImmediate(drip);
      };
      drip();
    });
    const stats = await load(s.port, { requests: 6 });
    expect(stats.statusCodes).toEqual({ '201': 6 });
    expect(stats.server.maxValue).toBe(9000);
  });

  it('bytes after a complete response are not read as the next response: the connection is dropped', async () => {
    const s = await scripted(({ socket }) =>
      socket.write(`${OK}HTTP/1.1 500 Injected\r\nContent-Length: 0\r\n\r\n`),
    );
    const stats = await load(s.port, { requests: 10, connections: 1 });
    expect(stats.statusCodes).toEqual({ '200': 10 });
    expect(s.connections).toBe(10);
  });
});

describe('load client: failures are classified, never hang', () => {
  it.each([
    ['garbage', 'SSH-2.0-OpenSSH_9.6\r\n\r\n', 'NOT_HTTP'],
    ['a space before the colon', 'HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok', 'NOT_HTTP'],
    [
      'conflicting lengths',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok',
      'NOT_HTTP',
    ],
    ['a 20 KiB header', `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 'HEADERS_OVERFLOW'],
    ['a close mid-body', 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial', 'ECONNRESET'],
  ])('%s → %s', async (_name, bytes, kind) => {
    const s = await scripted(({ socket }) => socket.end(bytes));
    const stats = await load(s.port, { requests: 4 });
    expect(stats.completed).toBe(4);
    expect(stats.transportErrors).toEqual({ [kind]: 4 });
  });

  it('a head dripped slower than the timeout allows, and a silent server, time out', async () => {
    const timers: NodeJS.Timeout[] = [];
    const s = await scripted(({ socket, head }) => {
      if (head.startsWith('GET /silent')) return;
      socket.write('HTTP/1.1 200 OK\r\n');
      timers.push(setInterval(() => !socket.destroyed && socket.write('X-Drip: 1\r\n'), 50));
    });
    try {
      const stats = await load(s.port, {
        requests: 4,
        timeoutMs: 400,
        targets: [
          { label: 'GET /drip', method: 'GET', path: '/drip', weight: 1 },
          { label: 'GET /silent', method: 'GET', path: '/silent', weight: 1 },
        ],
      });
      expect(stats.transportErrors).toEqual({ TIMEOUT: 4 });
    } finally {
      for (const t of timers) clearInterval(t);
    }
  });

  it('connection refused is reported as such', async () => {
    const s = await scripted(() => undefined);
    await new Promise((r) => servers.pop()!.close(r));
    const stats = await load(s.port, { requests: 3, connections: 1 });
    expect(stats.transportErrors).toEqual({ ECONNREFUSED: 3 });
  });
});

describe('load client: TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'harden-tls-'));
  const made = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ]);
  if (made.status !== 0) throw new Error(`openssl could not make a test certificate: ${made.stderr}`);
  const tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };

  it('a self-signed certificate is rejected, and accepted with --insecure', async () => {
    const s = await scripted(({ socket }) => socket.write(OK), tls);
    const strict = await load(s.port, { scheme: 'https', requests: 2, connections: 1 });
    expect(strict.transportErrors).toEqual({ TLS: 2 });
    const insecure = await load(s.port, { scheme: 'https', requests: 10, insecure: true });
    expect(insecure.statusCodes).toEqual({ '200': 10 });
  });
});
