import { type IncomingMessage, type OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { armLingeringClose, hasUnreadBody, type LingerBounds } from './linger.js';

/**
 * A ServerResponse that stamps `X-Latency-MS` at the moment headers are written, whatever path
 * writes them (explicit writeHead, implicit headers on end(), or a streamed body). Node's
 * implicit-header path calls `this.writeHead(this.statusCode)`, so overriding writeHead covers all.
 */
export class HardenedResponse<Req extends IncomingMessage = IncomingMessage> extends ServerResponse<Req> {
  /** process.hrtime.bigint() when the request arrived. */
  startedAt: bigint = process.hrtime.bigint();
  /** Shared with the app: once the server drains, responses announce `Connection: close`. */
  lifecycle: { draining: boolean } | undefined;
  /** Set by the app: answering before the request body was read arms a lingering close. */
  linger: LingerBounds | undefined;

  // biome-ignore lint/suspicious/noExplicitAny: mirrors Node's overloaded signature
  override writeHead(statusCode: number, ...rest: any[]): this {
    const latency = latencyMsSince(this.startedAt);
    if (this.lifecycle?.draining) this.shouldKeepAlive = false;
    if (this.linger && this.socket && hasUnreadBody(this.req)) {
      this.shouldKeepAlive = false;
      armLingeringClose(this.req, this.socket, this.linger);
    }
    const last = rest[rest.length - 1];
    if (last !== null && typeof last === 'object' && !Array.isArray(last)) {
      (last as OutgoingHttpHeaders)['x-latency-ms'] = latency;
    } else if (Array.isArray(last)) {
      last.push('x-latency-ms', latency);
    } else if (!this.headersSent) {
      this.setHeader('x-latency-ms', latency);
    }
    return super.writeHead(statusCode, ...rest);
  }
}

/** Whole milliseconds elapsed since `start` (floor, never negative). */
export function latencyMsSince(start: bigint): string {
  const ns = process.hrtime.bigint() - start;
  return ns > 0n ? String(ns / 1_000_000n) : '0';
}
