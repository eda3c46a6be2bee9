// One HTTP/1.1 connection of the load phase's client: at most one request in flight (no
// pipelining), persistent while the server allows it (RFC 9112 §9.3), reopened on demand.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { H1Error } from './h1-error.js';
import type { H1Request } from './request-head.js';
import { ResponseParser, type ResponseSink } from './response-parser.js';

/** Receives one request's outcome: exactly one of onComplete / onError, after onSent or not. */
export interface H1Handler {
  /** The request was written to a connected socket at `atMs` (performance.now()). */
  onSent(atMs: number): void;
  /** The final response's status and its X-Latency-MS (plain digits only). */
  onHead(status: number, latencyMs: number | undefined): void;
  /** The response is complete at `atMs` (performance.now()). */
  onComplete(atMs: number): void;
  onError(err: Error): void;
}

/** Where and how to connect. */
export interface H1Endpoint {
  host: string;
  port: number;
  tls: boolean;
  /** Accept any TLS certificate (--insecure). */
  insecure: boolean;
}

/** What a connection needs from its pool. */
export interface H1ConnectionOwner {
  readonly endpoint: H1Endpoint;
  /** The connection is free: give it the next queued request or keep it idle. */
  release(connection: H1Connection): void;
  /** Sends `request` again first, on a fresh connection (a stale keep-alive close). */
  retry(request: H1Request, handler: H1Handler): void;
}

/**
 * A connection idle longer than this is reopened before use: servers close idle persistent
 * connections (Node's http server after 5 s), and a request written as the close arrives would fail.
 */
const IDLE_LIMIT_MS = 4000;
const STALE_CLOSE = new Set(['ECONNRESET', 'EPIPE', 'H1_CLOSED']);

export class H1Connection implements ResponseSink {
  private socket: Socket | undefined;
  private connected = false;
  /** Responses completed on the current socket. */
  private served = 0;
  private request: H1Request | undefined;
  private handler: H1Handler | undefined;
  private retried = false;
  private done = false;
  private keepAlive = true;
  private readonly parser = new ResponseParser(this);
  /** performance.now() of the last progress: connect start or send (head), last chunk (body). */
  private since = 0;
  private idleSince = 0;

  constructor(private readonly owner: H1ConnectionOwner) {}

  /** Sends `request` on this (idle) connection, connecting first when needed. */
  assign(request: H1Request, handler: H1Handler, retried = false): void {
    this.request = request;
    this.handler = handler;
    this.retried = retried;
    const now = performance.now();
    if (this.socket && now - this.idleSince > IDLE_LIMIT_MS) this.closeSocket();
    this.since = now;
    if (!this.socket) this.open();
    else if (this.connected) this.send(now);
  }

  /** Fails the request in flight with a timeout once nothing progressed for `timeoutMs`. */
  checkTimeout(now: number, timeoutMs: number): void {
    if (!this.handler || now - this.since <= timeoutMs) return;
    this.fail(
      this.connected
        ? new H1Error('H1_RESPONSE_TIMEOUT', `no complete response within ${timeoutMs} ms`)
        : new H1Error('H1_CONNECT_TIMEOUT', `could not connect within ${timeoutMs} ms`),
    );
  }

  /** Fails the request in flight (if any) with `err` and closes the socket. */
  abort(err: Error): void {
    if (this.handler) this.fail(err, false);
    else this.closeSocket();
  }

  onHead(status: number, latencyMs: number | undefined): void {
    this.handler!.onHead(status, latencyMs);
  }

  onMessageComplete(keepAlive: boolean): void {
    this.done = true;
    this.keepAlive = keepAlive;
  }

  private open(): void {
    const { host, port, tls, insecure } = this.owner.endpoint;
    const socket = tls
      ? tlsConnect({
          host,
          port,
          servername: /^[\d.]+$|:/.test(host) ? undefined : host,
          rejectUnauthorized: !insecure,
          ALPNProtocols: ['http/1.1'],
        })
      : netConnect({ host, port, noDelay: true });
    this.socket = socket;
    this.connected = false;
    this.served = 0;
    socket.on(tls ? 'secureConnect' : 'connect', () => {
      if (this.socket !== socket) return;
      this.connected = true;
      if (tls) socket.setNoDelay(true);
      if (this.handler) this.send(performance.now());
    });
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    socket.on('error', (err: Error) => this.onGone(socket, err));
    socket.on('close', () => this.onGone(socket, undefined));
  }

  private send(now: number): void {
    this.parser.expect(this.request!.headRequest);
    this.since = now;
    this.socket!.write(this.request!.head);
    this.handler!.onSent(now);
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    if (!this.handler) {
      // Bytes nobody asked for: the connection's framing can no longer be trusted.
      this.closeSocket();
      return;
    }
    if (!this.parser.readingHead) this.since = performance.now();
    let leftover: number;
    try {
      leftover = this.parser.execute(chunk);
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    if (this.done) this.finish(this.keepAlive && leftover === 0);
  }

  private onGone(socket: Socket, err: Error | undefined): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.connected = false;
    if (!this.handler) {
      this.parser.reset();
      return;
    }
    let failure = err;
    if (!failure) {
      try {
        this.parser.finish(); // completes a response delimited by the close
      } catch (e) {
        failure = e as Error;
      }
    }
    if (!failure && this.done) {
      this.finish(false);
      return;
    }
    const code = (failure as { code?: string } | undefined)?.code ?? 'H1_CLOSED';
    // A reused connection closed before any byte of the response: the server closed it while idle.
    if (
      this.served > 0 &&
      this.parser.received === 0 &&
      this.request!.idempotent &&
      !this.retried &&
      STALE_CLOSE.has(code)
    ) {
      const { request, handler } = this;
      this.request = undefined;
      this.handler = undefined;
      this.owner.retry(request!, handler!);
      this.owner.release(this);
      return;
    }
    this.fail(failure ?? new H1Error('H1_CLOSED', 'connection closed before the response was complete'));
  }

  private finish(reusable: boolean): void {
    const handler = this.handler!;
    const now = performance.now();
    this.handler = undefined;
    this.request = undefined;
    this.done = false;
    this.served++;
    this.idleSince = now;
    if (!reusable) this.closeSocket();
    this.owner.release(this);
    handler.onComplete(now);
  }

  private fail(err: Error, release = true): void {
    const handler = this.handler!;
    this.handler = undefined;
    this.request = undefined;
    this.done = false;
    this.closeSocket();
    if (release) this.owner.release(this);
    handler.onError(err);
  }

  private closeSocket(): void {
    const socket = this.socket;
    this.socket = undefined;
    this.connected = false;
    this.parser.reset();
    socket?.destroy();
  }
}
