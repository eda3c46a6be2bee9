import { describe, expect, it } from 'vitest';
import { ResponseParser } from './response-parser.js';

interface Outcome {
  heads: Array<[number, number | undefined]>;
  completes: boolean[];
  leftover: number;
  error?: string;
}

/** Feeds `raw` in the given chunks; `eof` closes the connection afterwards. */
function parse(chunks: string[], opts: { head?: boolean; eof?: boolean } = {}): Outcome {
  const out: Outcome = { heads: [], completes: [], leftover: 0 };
  const parser = new ResponseParser({
    onHead: (status, ms) => out.heads.push([status, ms]),
    onMessageComplete: (keepAlive) => out.completes.push(keepAlive),
  });
  parser.expect(opts.head ?? false);
  try {
    for (const c of chunks) out.leftover += parser.execute(Buffer.from(c, 'latin1'));
    if (opts.eof) parser.finish();
  } catch (err) {
    out.error = (err as { code: string }).code;
  }
  return out;
}

/** The same response cut at every byte boundary, and one byte at a time: all must agree. */
function everySplit(raw: string, opts: { head?: boolean; eof?: boolean } = {}): Outcome {
  const whole = parse([raw], opts);
  for (let i = 1; i < raw.length; i++) expect(parse([raw.slice(0, i), raw.slice(i)], opts)).toEqual(whole);
  expect(parse([...raw], opts)).toEqual(whole);
  return whole;
}

describe('framing (RFC 9112 §6.3)', () => {
  it('Content-Length delimits the body; the connection persists', () => {
    const r = everySplit('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Latency-MS: 12\r\n\r\nhello');
    expect(r).toEqual({ heads: [[200, 12]], completes: [true], leftover: 0 });
  });

  it('chunked with extensions and trailers, and Transfer-Encoding overriding Content-Length', () => {
    const raw =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n' +
      '5;name="v"\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: 1\r\n\r\n';
    expect(everySplit(raw)).toEqual({ heads: [[200, undefined]], completes: [true], leftover: 0 });
    const both = everySplit(
      'HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    );
    // Both framings: the body follows Transfer-Encoding, and the connection is not reused (§6.1).
    expect(both.completes).toEqual([false]);
  });

  it('bare LF line endings are accepted (§2.2)', () => {
    const r = everySplit('HTTP/1.1 200 OK\nContent-Length: 2\nX-Latency-MS: 3\n\nok');
    expect(r).toEqual({ heads: [[200, 3]], completes: [true], leftover: 0 });
    expect(everySplit('HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\nok\n0\n\n').completes).toEqual([
      true,
    ]);
  });

  it('no framing: the body runs to the close, and the close completes it', () => {
    const r = everySplit('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it', { eof: true });
    expect(r).toEqual({ heads: [[200, undefined]], completes: [false], leftover: 0 });
    // Transfer-Encoding without chunked last: also delimited by the close.
    expect(
      everySplit('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx', { eof: true }).completes,
    ).toEqual([false]);
  });

  it('HEAD, 204 and 304 responses have no content whatever their Content-Length says', () => {
    expect(everySplit('HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n', { head: true }).completes).toEqual([
      true,
    ]);
    expect(everySplit('HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n').completes).toEqual([true]);
    expect(everySplit('HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n').completes).toEqual([
      true,
    ]);
  });

  it('interim 1xx responses are skipped; the final status counts', () => {
    const r = everySplit(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n' +
        'HTTP/1.1 201 Created\r\nContent-Length: 0\r\nX-Latency-MS: 4\r\n\r\n',
    );
    expect(r).toEqual({ heads: [[201, 4]], completes: [true], leftover: 0 });
  });

  it('persistence: Connection: close, and HTTP/1.0 unless keep-alive is asked for (§9.3)', () => {
    expect(
      everySplit('HTTP/1.1 200 OK\r\nConnection: Upgrade, Close\r\nContent-Length: 0\r\n\r\n').completes,
    ).toEqual([false]);
    expect(everySplit('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').completes).toEqual([false]);
    expect(
      everySplit('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n').completes,
    ).toEqual([true]);
  });

  it('a list of identical Content-Length values is that value (RFC 9110 §8.6)', () => {
    expect(everySplit('HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\nabc')).toEqual({
      heads: [[200, undefined]],
      completes: [true],
      leftover: 0,
    });
  });

  it('bytes after the complete response are reported as left over', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA']).leftover).toBe(5);
  });
});

describe('X-Latency-MS', () => {
  it('is read case-insensitively with OWS, plain digits only, first line counts', () => {
    const head = (field: string) =>
      parse([`HTTP/1.1 200 OK\r\n${field}\r\nContent-Length: 0\r\n\r\n`]).heads[0]![1];
    expect(head('x-latency-ms: \t 250 ')).toBe(250);
    expect(head('X-LATENCY-MS: 7\r\nX-Latency-MS: 9')).toBe(7);
    expect(head('X-Latency-MS: 12.5')).toBeUndefined();
    expect(head('X-Latency-MS: -1')).toBeUndefined();
    expect(head('X-Latency-MS:')).toBeUndefined();
    expect(head('X-Latency-MSX: 5')).toBeUndefined();
  });
});

describe('protocol errors', () => {
  const error = (raw: string, opts: { eof?: boolean } = {}) => parse([raw], opts).error;

  it('rejects what is not an HTTP/1.x status line', () => {
    expect(error('SSH-2.0-OpenSSH_9.6\r\n\r\n')).toBe('H1_INVALID_STATUS_LINE');
    expect(error('HTTP/2 200\r\n\r\n')).toBe('H1_INVALID_STATUS_LINE');
    expect(error('HTTP/1.1 20 OK\r\n\r\n')).toBe('H1_INVALID_STATUS_LINE');
    expect(error('HTTP/1.1 abc OK\r\n\r\n')).toBe('H1_INVALID_STATUS_LINE');
    expect(error('HTTP/1.1 2000\r\n\r\n')).toBe('H1_INVALID_STATUS_LINE');
    // No reason phrase is fine.
    expect(error('HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n')).toBeUndefined();
  });

  it('rejects malformed field lines and control characters (RFC 9112 §5.1)', () => {
    expect(error('HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n')).toBe('H1_INVALID_HEADER');
    expect(error('HTTP/1.1 200 OK\r\nno colon here\r\n\r\n')).toBe('H1_INVALID_HEADER');
    expect(error('HTTP/1.1 200 OK\r\n: empty name\r\n\r\n')).toBe('H1_INVALID_HEADER');
    expect(error('HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 0\r\n\r\n')).toBe('H1_INVALID_HEADER');
    expect(error('HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 0\r\n\r\n')).toBe('H1_INVALID_HEADER');
  });

  it('rejects framing that cannot be trusted', () => {
    expect(error('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd')).toBe(
      'H1_INVALID_CONTENT_LENGTH',
    );
    expect(error('HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\nabcd')).toBe('H1_INVALID_CONTENT_LENGTH');
    expect(error('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n')).toBe('H1_INVALID_CONTENT_LENGTH');
    expect(error('HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n')).toBe('H1_INVALID_CONTENT_LENGTH');
    expect(error('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n 2\r\n\r\n')).toBe('H1_INVALID_CONTENT_LENGTH');
    expect(error('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).toBe('H1_INVALID_CHUNK');
    expect(error('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX0\r\n\r\n')).toBe(
      'H1_INVALID_CHUNK',
    );
    expect(error(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;${'x'.repeat(5000)}`)).toBe(
      'H1_INVALID_CHUNK',
    );
  });

  it('rejects a 101 nobody asked for', () => {
    expect(error('HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n')).toBe('H1_UNEXPECTED_UPGRADE');
  });

  it('caps the header section at 16 KiB, also when it arrives in small pieces', () => {
    const big = `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(17_000)}\r\n\r\n`;
    expect(error(big)).toBe('H1_HEADERS_OVERFLOW');
    expect(parse(big.match(/[\s\S]{1,100}/g)!).error).toBe('H1_HEADERS_OVERFLOW');
    const many = `HTTP/1.1 200 OK\r\n${'X-A: 1\r\n'.repeat(3000)}\r\n`;
    expect(error(many)).toBe('H1_HEADERS_OVERFLOW');
    const trailers = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n${'X-T: 1\r\n'.repeat(3000)}\r\n`;
    expect(error(trailers)).toBe('H1_HEADERS_OVERFLOW');
  });

  it('a close before the response is complete is an error; after it, nothing', () => {
    expect(error('', { eof: true })).toBe('H1_CLOSED');
    expect(error('HTTP/1.1 200 OK\r\nContent-Le', { eof: true })).toBe('H1_CLOSED');
    expect(error('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort', { eof: true })).toBe('H1_CLOSED');
    expect(error('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab', { eof: true })).toBe(
      'H1_CLOSED',
    );
    expect(error('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', { eof: true })).toBeUndefined();
  });
});
