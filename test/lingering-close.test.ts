import { connect } from 'node:net';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './helpers/server.js';

/**
 * An answer sent before the request body was read (413 for an oversized body, 429 for a spent
 * budget) must reach a client that is still sending: the server answers with Connection: close,
 * keeps reading and discarding the body (lingering close), and only then closes.
 */

const KEY = 'linger-test-key-0123456789';
const SIZES = [2_000_000, 20_000_000];
const ATTEMPTS = 20;
const PAYLOAD = Buffer.alloc(Math.max(...SIZES), 0x20); // spaces: a valid JSON prefix, never complete

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One HTTP/1.1 request over a raw socket that writes the whole body whatever the server does. */
function rawPost(port: number, path: string, size: number, chunked: boolean): Promise<Answer> {
  return rawRequest(port, { method: 'POST', path, type: 'application/json', size, chunked });
}

function rawRequest(
  port: number,
  r: { method: string; path: string; type: string; size: number; chunked: boolean },
): Promise<Answer> {
  const { size, chunked } = r;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', (err) => reject(err));
    socket.on('close', () => {
      const text = Buffer.concat(received).toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      if (end === -1) return reject(new Error(`no response (${text.length} bytes)`));
      const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length']);
      resolve({
        status: Number(statusLine!.split(' ')[1]),
        headers,
        body: Buffer.from(text.slice(end + 4))
          .subarray(0, length)
          .toString('utf8'),
      });
    });
    const framing = chunked ? 'transfer-encoding: chunked' : `content-length: ${size}`;
    socket.write(
      `${r.method} ${r.path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: ${r.type}\r\nx-api-key: ${KEY}\r\n${framing}\r\n\r\n`,
    );
    const body = PAYLOAD.subarray(0, size);
    if (!chunked) {
      socket.end(body);
      return;
    }
    const CHUNK = 256 * 1024;
    for (let i = 0; i < size; i += CHUNK) {
      const c = body.subarray(i, i + CHUNK);
      socket.write(`${c.length.toString(16)}\r\n`);
      socket.write(c);
      socket.write('\r\n');
    }
    socket.end('0\r\n\r\n');
  });
}

/** The same request through undici's fetch: a Buffer body (Content-Length) or a stream (chunked). */
async function fetchPost(url: string, size: number, chunked: boolean): Promise<Answer> {
  const bytes = PAYLOAD.subarray(0, size);
  const body = chunked
    ? new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < size; i += 256 * 1024) controller.enqueue(bytes.subarray(i, i + 256 * 1024));
          controller.close();
        },
      })
    : bytes;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': KEY },
    body,
    ...(chunked ? { duplex: 'half' as const } : {}),
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    headers[k] = v;
  });
  return { status: res.status, headers, body: await res.text() };
}

function expectProblem(a: Answer, status: number, what: string): void {
  expect(a.status, what).toBe(status);
  expect(a.headers['content-type'], what).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(a.body) as { status: number; request_id: string };
  expect(problem.status, what).toBe(status);
  expect(problem.request_id, what).toBe(a.headers['x-request-id']);
}

describe('lingering close: early answers reach a client that is still sending', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer({
      // The override key gets an ai budget of 1, so every POST /v1/ai/forecast after the first is 429.
      apiKeys: [{ name: 'linger', key: KEY, kind: 'override', limits: { ai: 1, webhook: 100_000 } }],
    });
  });
  afterAll(() => server.stop());

  /** Spends the ai budget (again, if a 60 s window has passed) so the next POSTs get 429. */
  async function spendAiBudget(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      const r = await fetchPost(`${server.url}/v1/ai/forecast`, 2, false);
      if (r.status === 429) return;
    }
    throw new Error('the ai budget did not run out');
  }

  const targets = [
    { name: 'oversized POST → 413', path: '/v1/webhooks/events', status: 413 },
    { name: 'rate-limited POST → 429', path: '/v1/ai/forecast', status: 429 },
  ];
  for (const target of targets) {
    for (const client of ['raw socket', 'fetch'] as const) {
      it(`${target.name}, ${client}: 2 MB and 20 MB, Content-Length and chunked, ${ATTEMPTS} times each`, async () => {
        for (const size of SIZES) {
          for (const chunked of [false, true]) {
            if (target.status === 429) await spendAiBudget();
            for (let i = 0; i < ATTEMPTS; i++) {
              const what = `${client} ${size} B ${chunked ? 'chunked' : 'content-length'} #${i + 1}`;
              const answer =
                client === 'raw socket'
                  ? await rawPost(server.port, target.path, size, chunked)
                  : await fetchPost(`${server.url}${target.path}`, size, chunked);
              expectProblem(answer, target.status, what);
              expect(answer.headers.connection, what).toBe('close');
            }
          }
        }
      }, 120_000);
    }
  }

  it('404, 405 and 415 to a 2 MB body also reach a raw client that is still sending', async () => {
    const cases: Array<[string, string, string, number]> = [
      ['POST', '/nope', 'application/json', 404],
      ['PUT', '/v1/info', 'application/json', 405],
      ['POST', '/v1/webhooks/events', 'text/plain', 415],
    ];
    for (const [method, path, type, status] of cases) {
      for (const chunked of [false, true]) {
        const answer = await rawRequest(server.port, { method, path, type, size: 2_000_000, chunked });
        expectProblem(answer, status, `${method} ${path} ${chunked ? 'chunked' : 'content-length'}`);
        expect(answer.headers.connection).toBe('close');
      }
    }
  });

  it('Expect: 100-continue: a refused body gets its final status without a 100; an accepted one gets the 100 first', async () => {
    /** Sends the head only, then reads until the first complete status head (interim or final). */
    const head = (request: string) =>
      new Promise<{ text: string; socket: ReturnType<typeof connect> }>((resolve, reject) => {
        const socket = connect(server.port, '127.0.0.1');
        let text = '';
        socket.on('data', (d: Buffer) => {
          text += d.toString();
          if (text.includes('\r\n\r\n')) resolve({ text, socket });
        });
        socket.on('error', reject);
        socket.write(request);
      });
    const refused = await head(
      'POST /v1/webhooks/events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nexpect: 100-continue\r\ncontent-length: 20000000\r\n\r\n',
    );
    refused.socket.destroy();
    expect(refused.text).toMatch(/^HTTP\/1\.1 413 /);
    const body = '{"type":"continue","value":1}';
    const accepted = await head(
      `POST /v1/webhooks/events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nexpect: 100-continue\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`,
    );
    expect(accepted.text).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
    const final = await new Promise<string>((resolve) => {
      let rest = accepted.text.slice(accepted.text.indexOf('\r\n\r\n') + 4);
      accepted.socket.on('data', (d: Buffer) => {
        rest += d.toString();
      });
      accepted.socket.on('close', () => resolve(rest));
      accepted.socket.write(body);
    });
    expect(final).toMatch(/^HTTP\/1\.1 202 /);
  });

  it('a client that stops sending reads its 413, and the idle bound closes the connection', async () => {
    /** Sends part of a 5 MB body, stalls for `pauseMs`, sends more: was the connection still open? */
    const stallThenSend = async (idleMs: number, pauseMs: number) => {
      const srv = await startTestServer({ linger: { maxBytes: 64_000_000, maxMs: 10_000, idleMs } });
      try {
        // allowHalfOpen: the client keeps its side open after the server's FIN, as a sender would.
        const socket = connect({ port: srv.port, host: '127.0.0.1', allowHalfOpen: true });
        let text = '';
        socket.on('data', (d: Buffer) => {
          text += d.toString();
        });
        const closed = new Promise<string>((resolve) => {
          socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
          socket.on('close', () => resolve('closed'));
        });
        socket.write(
          'POST /v1/webhooks/events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 5000000\r\n\r\n',
        );
        socket.write(PAYLOAD.subarray(0, 100_000));
        await new Promise((r) => setTimeout(r, pauseMs));
        // After the server closed, the first late write is answered by a RST; the next one fails.
        for (let i = 0; i < 5 && !socket.destroyed; i++) {
          socket.write(PAYLOAD.subarray(0, 100_000));
          await new Promise((r) => setTimeout(r, 50));
        }
        const outcome = await Promise.race([closed, new Promise((r) => setTimeout(() => r('open'), 1000))]);
        socket.destroy();
        expect(text).toMatch(/^HTTP\/1\.1 413 /);
        expect(text).toMatch(/\r\nconnection: close\r\n/i);
        expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 413 });
        expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
        return outcome;
      } finally {
        await srv.stop();
      }
    };
    // A pause longer than the idle bound: the server has closed; the late bytes are answered by a reset.
    expect(await stallThenSend(200, 800)).toMatch(/^(ECONNRESET|EPIPE|closed)$/);
    // The same pause within the bound: the server is still reading and discarding.
    expect(await stallThenSend(5000, 800)).toBe('open');
  });
});
