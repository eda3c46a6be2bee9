// Incremental HTTP/1.1 response parser for the load phase's client: it reads only what the load
// phase measures (status code, X-Latency-MS, message framing and persistence) and skips bodies
// without copying them. Framing and persistence follow RFC 9112; anything the grammar forbids is an
// H1Error (classified as NOT_HTTP), so a hostile server cannot make a broken exchange count as a
// response. Field values are not interpreted beyond the framing fields.
import { H1Error } from './h1-error.js';

/** Receives the parser's events; implemented by the connection (no allocation per event). */
export interface ResponseSink {
  /** The final (non-1xx) response's head was read. `latencyMs` is X-Latency-MS when it is plain digits. */
  onHead(status: number, latencyMs: number | undefined): void;
  /** The response is complete. `keepAlive` false: the connection must not carry another request. */
  onMessageComplete(keepAlive: boolean): void;
}

/** Largest response header section (and trailer section) accepted, bytes — undici's and Node's default. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** Longest chunk-size line (with chunk extensions) accepted, bytes. */
const MAX_CHUNK_LINE = 4096;

enum State {
  Idle,
  Head,
  BodyLength,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  BodyUntilClose,
}

// tchar (RFC 9110 §5.6.2): ! # $ % & ' * + - . ^ _ ` | ~ DIGIT ALPHA
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
  TCHAR[c.charCodeAt(0)] = 1;
// Bytes not allowed in a field value (RFC 9110 §5.5): CTLs other than HTAB, and DEL.
const BAD_VALUE_BYTE = new Uint8Array(256);
for (let b = 0; b < 32; b++) if (b !== 9) BAD_VALUE_BYTE[b] = 1;
BAD_VALUE_BYTE[127] = 1;

const CONTENT_LENGTH = Buffer.from('content-length');
const TRANSFER_ENCODING = Buffer.from('transfer-encoding');
const CONNECTION = Buffer.from('connection');
const X_LATENCY_MS = Buffer.from('x-latency-ms');

/** Case-insensitive match of buf[start, start+name.length) against a lower-case token. */
function nameIs(buf: Buffer, start: number, len: number, name: Buffer): boolean {
  if (len !== name.length) return false;
  for (let i = 0; i < len; i++) if ((buf[start + i]! | 0x20) !== name[i]) return false;
  return true;
}

/** Whole milliseconds from plain digits (RFC 9110 §5.6.1 style 1*DIGIT), else undefined. */
function digitsValue(buf: Buffer, start: number, end: number): number | undefined {
  if (end <= start || end - start > 12) return undefined;
  let n = 0;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b < 48 || b > 57) return undefined;
    n = n * 10 + b - 48;
  }
  return n;
}

/** True when a comma-separated list (RFC 9110 §5.6.1) has `token` as a member, case-insensitively. */
function listHas(value: string, token: string): boolean {
  for (const member of value.toLowerCase().split(',')) if (member.trim() === token) return true;
  return false;
}

/**
 * Content-Length (RFC 9110 §8.6): 1*DIGIT, or a list of identical values, which a recipient may
 * accept as that value; anything else makes the framing unknowable (RFC 9112 §6.3 item 5).
 */
function contentLength(value: string, previous: number): number {
  let n = -1;
  for (const member of value.split(',')) {
    const m = member.trim();
    if (!/^\d{1,15}$/.test(m))
      throw new H1Error('H1_INVALID_CONTENT_LENGTH', `invalid Content-Length "${value.slice(0, 40)}"`);
    const v = Number(m);
    if (n !== -1 && v !== n)
      throw new H1Error('H1_INVALID_CONTENT_LENGTH', 'conflicting Content-Length values');
    n = v;
  }
  if (previous !== -1 && previous !== n)
    throw new H1Error('H1_INVALID_CONTENT_LENGTH', 'conflicting Content-Length field lines');
  return n;
}

export class ResponseParser {
  private state = State.Idle;
  private headRequest = false;
  /** Bytes of an incomplete line kept between chunks (head, chunk-size and trailer lines). */
  private parts: Buffer[] = [];
  private partBytes = 0;
  /** Header (or trailer) section bytes read so far, against MAX_HEADER_BYTES. */
  private sectionBytes = 0;
  private sawStatusLine = false;
  private status = 0;
  private http10 = false;
  private latencyMs: number | undefined = undefined;
  private length = -1;
  private transferEncoding: string | undefined = undefined;
  private connection: string | undefined = undefined;
  /** Both Transfer-Encoding and Content-Length were sent. */
  private framingConflict = false;
  /** Which tracked field the previous field line was, for obs-fold continuation lines. */
  private lastField = 0;
  private remaining = 0;
  /** Response bytes received since expect() (0 tells a stale keep-alive close from a failure). */
  received = 0;

  constructor(private readonly sink: ResponseSink) {}

  /** Prepares for the response to the request just sent; HEAD responses have no body (RFC 9112 §6.3). */
  expect(headRequest: boolean): void {
    this.headRequest = headRequest;
    this.received = 0;
    this.startHead();
  }

  /** True while a response is expected or being read. */
  get busy(): boolean {
    return this.state !== State.Idle;
  }

  /** True while the response head is still being read (for the headers timeout). */
  get readingHead(): boolean {
    return this.state === State.Head;
  }

  /**
   * Feeds received bytes. Returns the count of bytes left over after the response completed —
   * data nobody asked for, which makes the connection unusable. Throws H1Error on a protocol error.
   */
  execute(chunk: Buffer): number {
    this.received += chunk.length;
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      switch (this.state) {
        case State.Idle:
          return end - pos;
        case State.Head:
        case State.ChunkSize:
        case State.Trailers:
          pos = this.lines(chunk, pos);
          break;
        case State.BodyLength: {
          const take = Math.min(this.remaining, end - pos);
          this.remaining -= take;
          pos += take;
          if (this.remaining === 0) this.complete();
          break;
        }
        case State.ChunkData: {
          const take = Math.min(this.remaining, end - pos);
          this.remaining -= take;
          pos += take;
          if (this.remaining === 0) {
            this.state = State.ChunkDataEnd;
            this.remaining = 2; // CRLF, or a bare LF (RFC 9112 §2.2)
          }
          break;
        }
        case State.ChunkDataEnd: {
          const b = chunk[pos++]!;
          if (b === 10) this.state = State.ChunkSize;
          else if (b !== 13 || this.remaining !== 2)
            throw new H1Error('H1_INVALID_CHUNK', 'chunk data not followed by CRLF');
          else this.remaining = 1;
          break;
        }
        case State.BodyUntilClose:
          return 0;
      }
    }
    return 0;
  }

  /**
   * The connection closed. Completes a response delimited by the close (RFC 9112 §6.3 item 8);
   * throws H1Error('H1_CLOSED') when a response was expected or only partly read.
   */
  finish(): void {
    if (this.state === State.BodyUntilClose) {
      this.complete();
      return;
    }
    if (this.state !== State.Idle) {
      this.state = State.Idle;
      throw new H1Error('H1_CLOSED', 'connection closed before the response was complete');
    }
  }

  /** Forgets any partial response (the connection is being torn down). */
  reset(): void {
    this.state = State.Idle;
    this.parts = [];
    this.partBytes = 0;
  }

  private startHead(): void {
    this.state = State.Head;
    this.sectionBytes = 0;
    this.sawStatusLine = false;
    this.status = 0;
    this.http10 = false;
    this.latencyMs = undefined;
    this.length = -1;
    this.transferEncoding = undefined;
    this.connection = undefined;
    this.framingConflict = false;
    this.lastField = 0;
  }

  /** Consumes complete lines from chunk[pos…]; keeps an incomplete tail for the next chunk. */
  private lines(chunk: Buffer, pos: number): number {
    const lf = chunk.indexOf(10, pos);
    const limit = this.state === State.ChunkSize ? MAX_CHUNK_LINE : MAX_HEADER_BYTES - this.sectionBytes;
    if (lf === -1) {
      this.partBytes += chunk.length - pos;
      if (this.partBytes > limit) this.overflow();
      this.parts.push(pos === 0 ? chunk : chunk.subarray(pos));
      return chunk.length;
    }
    if (this.partBytes > 0) {
      // Join the kept tail with this chunk's part of the line (rare: a line split across reads).
      const joined = Buffer.concat([...this.parts, chunk.subarray(pos, lf + 1)]);
      this.parts = [];
      this.partBytes = 0;
      if (joined.length > limit) this.overflow();
      this.line(joined, 0, joined.length - 1);
      return lf + 1;
    }
    if (lf + 1 - pos > limit) this.overflow();
    this.line(chunk, pos, lf);
    return lf + 1;
  }

  private overflow(): never {
    if (this.state === State.ChunkSize) throw new H1Error('H1_INVALID_CHUNK', 'chunk-size line too long');
    throw new H1Error('H1_HEADERS_OVERFLOW', `response header section exceeds ${MAX_HEADER_BYTES} bytes`);
  }

  /** One line buf[start, lf) without its LF (a CR before the LF is dropped: RFC 9112 §2.2). */
  private line(buf: Buffer, start: number, lf: number): void {
    const end = lf > start && buf[lf - 1] === 13 ? lf - 1 : lf;
    if (this.state === State.ChunkSize) {
      this.chunkSize(buf.toString('latin1', start, end));
      return;
    }
    this.sectionBytes += lf + 1 - start;
    if (this.state === State.Trailers) {
      if (end === start) this.complete();
      return; // trailer fields are not used
    }
    if (!this.sawStatusLine) {
      this.statusLine(buf, start, end);
      return;
    }
    if (end === start) {
      this.headComplete();
      return;
    }
    this.fieldLine(buf, start, end);
  }

  /** status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4). */
  private statusLine(buf: Buffer, start: number, end: number): void {
    const ok =
      end - start >= 12 &&
      buf[start] === 72 && // H
      buf[start + 1] === 84 &&
      buf[start + 2] === 84 &&
      buf[start + 3] === 80 &&
      buf[start + 4] === 47 && // /
      buf[start + 5] === 49 && // 1
      buf[start + 6] === 46 && // .
      (buf[start + 7] === 49 || buf[start + 7] === 48) &&
      buf[start + 8] === 32 &&
      (end - start === 12 || buf[start + 12] === 32);
    const status = ok ? digitsValue(buf, start + 9, start + 12) : undefined;
    if (status === undefined || status < 100)
      throw new H1Error(
        'H1_INVALID_STATUS_LINE',
        `not an HTTP/1.x status line: "${buf.toString('latin1', start, Math.min(end, start + 40))}"`,
      );
    this.sawStatusLine = true;
    this.status = status;
    this.http10 = buf[start + 7] === 48;
  }

  /** field-line = field-name ":" OWS field-value OWS (RFC 9112 §5); obs-fold per §5.2. */
  private fieldLine(buf: Buffer, start: number, end: number): void {
    const first = buf[start]!;
    if (first === 32 || first === 9) {
      // obs-fold: a continuation of the previous field line, replaced by SP (RFC 9112 §5.2).
      if (this.lastField !== 0) this.folded(this.lastField, buf.toString('latin1', start, end).trim());
      return;
    }
    let colon = start;
    while (colon < end && TCHAR[buf[colon]!] === 1) colon++;
    if (colon === start || colon === end || buf[colon] !== 58)
      throw new H1Error(
        'H1_INVALID_HEADER',
        `invalid field line "${buf.toString('latin1', start, Math.min(end, start + 40))}"`,
      );
    let vs = colon + 1;
    let ve = end;
    for (let i = vs; i < ve; i++)
      if (BAD_VALUE_BYTE[buf[i]!] === 1)
        throw new H1Error('H1_INVALID_HEADER', 'control character in a field value');
    while (vs < ve && (buf[vs] === 32 || buf[vs] === 9)) vs++;
    while (ve > vs && (buf[ve - 1] === 32 || buf[ve - 1] === 9)) ve--;
    const len = colon - start;
    const field = nameIs(buf, start, len, CONTENT_LENGTH)
      ? 1
      : nameIs(buf, start, len, TRANSFER_ENCODING)
        ? 2
        : nameIs(buf, start, len, CONNECTION)
          ? 3
          : nameIs(buf, start, len, X_LATENCY_MS)
            ? 4
            : 0;
    this.lastField = field;
    if (field === 4) {
      // The first X-Latency-MS line counts.
      if (this.latencyMs === undefined) this.latencyMs = digitsValue(buf, vs, ve);
    } else if (field !== 0) this.tracked(field, buf.toString('latin1', vs, ve));
  }

  /** Content-Length (1), Transfer-Encoding (2) or Connection (3); several lines form one list (RFC 9110 §5.3). */
  private tracked(field: number, value: string): void {
    if (field === 1) this.length = contentLength(value, this.length);
    else if (field === 2)
      this.transferEncoding =
        this.transferEncoding === undefined ? value : `${this.transferEncoding}, ${value}`;
    else this.connection = this.connection === undefined ? value : `${this.connection}, ${value}`;
  }

  /** An obs-fold continuation of a tracked field line. */
  private folded(field: number, value: string): void {
    // A folded Content-Length cannot be trusted to frame the message.
    if (field === 1) throw new H1Error('H1_INVALID_CONTENT_LENGTH', 'folded Content-Length');
    if (field === 2) this.transferEncoding = `${this.transferEncoding} ${value}`;
    else if (field === 3) this.connection = `${this.connection} ${value}`;
  }

  /** Message body length (RFC 9112 §6.3), in its order of precedence. */
  private headComplete(): void {
    const status = this.status;
    if (status < 200) {
      // 101 answers an upgrade nobody asked for; other 1xx are interim (RFC 9110 §15.2).
      if (status === 101)
        throw new H1Error('H1_UNEXPECTED_UPGRADE', 'switching protocols without an Upgrade request');
      this.startHead();
      return;
    }
    this.sink.onHead(status, this.latencyMs);
    if (this.headRequest || status === 204 || status === 304) {
      this.complete();
      return;
    }
    if (this.transferEncoding !== undefined) {
      const codings = this.transferEncoding.toLowerCase().split(',');
      const last = codings[codings.length - 1]!.split(';')[0]!.trim();
      if (last === 'chunked') {
        this.state = State.ChunkSize;
        this.sectionBytes = 0;
      } else this.state = State.BodyUntilClose;
      // Transfer-Encoding overrides Content-Length (item 3).
      this.framingConflict = this.length !== -1;
      return;
    }
    if (this.length === -1) {
      this.state = State.BodyUntilClose;
      return;
    }
    if (this.length === 0) {
      this.complete();
      return;
    }
    this.state = State.BodyLength;
    this.remaining = this.length;
  }

  /** chunk-size [ chunk-ext ] (RFC 9112 §7.1): 1*HEXDIG, then BWS ";" extensions or nothing. */
  private chunkSize(line: string): void {
    const m = /^([0-9A-Fa-f]{1,13})[ \t]*(?:;.*)?$/.exec(line);
    if (!m) throw new H1Error('H1_INVALID_CHUNK', `invalid chunk-size line "${line.slice(0, 40)}"`);
    const size = Number.parseInt(m[1]!, 16);
    if (size === 0) {
      this.state = State.Trailers;
      this.sectionBytes = 0;
      return;
    }
    this.state = State.ChunkData;
    this.remaining = size;
  }

  private complete(): void {
    const untilClose = this.state === State.BodyUntilClose;
    this.state = State.Idle;
    const connection = this.connection;
    let keepAlive = !untilClose;
    if (keepAlive && connection !== undefined && listHas(connection, 'close')) keepAlive = false;
    // HTTP/1.0 persists only when asked to (RFC 9112 §9.3).
    if (keepAlive && this.http10 && (connection === undefined || !listHas(connection, 'keep-alive')))
      keepAlive = false;
    // Both Transfer-Encoding and Content-Length: possible smuggling; do not reuse (RFC 9112 §6.1).
    if (this.framingConflict) keepAlive = false;
    this.sink.onMessageComplete(keepAlive);
  }
}
