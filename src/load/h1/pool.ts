// The load phase's HTTP/1.1 client: a fixed set of persistent connections, each with at most one
// request in flight, and a FIFO queue for requests that find no free connection. Requests are
// pre-rendered (request-head.ts); responses are read by response-parser.ts without building
// header objects, Promises or streams, so the client's cost per request stays below that of a
// general-purpose client. One timer sweeps all connections for timeouts (no timer per request).
import { H1Connection, type H1ConnectionOwner, type H1Endpoint, type H1Handler } from './connection.js';
import type { H1Request } from './request-head.js';

export type { H1Handler } from './connection.js';
export { type H1Request, renderRequest } from './request-head.js';

export interface H1PoolOptions {
  /** Most connections open at once. */
  connections: number;
  /** Connect timeout, time to a complete response head, and longest pause within a body, ms. */
  timeoutMs: number;
  /** Accept any TLS certificate. */
  insecure: boolean;
}

interface Queued {
  request: H1Request;
  handler: H1Handler;
  retried: boolean;
}

export class H1Pool implements H1ConnectionOwner {
  readonly endpoint: H1Endpoint;
  private readonly all: H1Connection[] = [];
  private readonly idle: H1Connection[] = [];
  private queue: Queued[] = [];
  private queueHead = 0;
  private destroyed: Error | undefined;
  private closed = false;
  private readonly sweep: NodeJS.Timeout;

  /** `origin`: an http: or https: URL; its host and port are connected to. */
  constructor(
    origin: URL,
    private readonly options: H1PoolOptions,
  ) {
    const tls = origin.protocol === 'https:';
    this.endpoint = {
      host: origin.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: origin.port ? Number(origin.port) : tls ? 443 : 80,
      tls,
      insecure: options.insecure,
    };
    const every = Math.min(Math.max(options.timeoutMs / 10, 20), 500);
    this.sweep = setInterval(() => {
      const now = performance.now();
      for (const c of this.all) c.checkTimeout(now, options.timeoutMs);
    }, every);
    this.sweep.unref();
  }

  /** Requests waiting for a free connection. */
  get queued(): number {
    return this.queue.length - this.queueHead;
  }

  /** Sends `request` on a free connection, or queues it. After destroy(), fails it at once. */
  dispatch(request: H1Request, handler: H1Handler): void {
    if (this.destroyed || this.closed) {
      const err = this.destroyed ?? new Error('the load client is closed');
      queueMicrotask(() => handler.onError(err));
      return;
    }
    let c = this.idle.pop();
    if (!c && this.all.length < this.options.connections) {
      c = new H1Connection(this);
      this.all.push(c);
    }
    if (c) c.assign(request, handler);
    else this.queue.push({ request, handler, retried: false });
  }

  /** @internal */
  release(connection: H1Connection): void {
    if (this.destroyed || this.closed) return;
    const next = this.shift();
    if (next) connection.assign(next.request, next.handler, next.retried);
    else this.idle.push(connection);
  }

  /** @internal */
  retry(request: H1Request, handler: H1Handler): void {
    this.compact();
    this.queue.unshift({ request, handler, retried: true });
  }

  /** Fails every request in flight or queued with `err` and closes all connections. */
  destroy(err: Error): void {
    if (this.destroyed) return;
    this.destroyed = err;
    clearInterval(this.sweep);
    const queued = this.queue.slice(this.queueHead);
    this.queue = [];
    this.queueHead = 0;
    for (const c of this.all) c.abort(err);
    for (const q of queued) q.handler.onError(err);
  }

  /** Closes all connections; requests still in flight or queued fail as aborted. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.destroy(new Error('the load client was closed'));
    this.closed = true;
  }

  private shift(): Queued | undefined {
    if (this.queueHead >= this.queue.length) return undefined;
    const next = this.queue[this.queueHead]!;
    this.queue[this.queueHead++] = undefined as unknown as Queued;
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) this.compact();
    return next;
  }

  private compact(): void {
    if (this.queueHead === 0) return;
    this.queue = this.queue.slice(this.queueHead);
    this.queueHead = 0;
  }
}
