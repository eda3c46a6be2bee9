import type { Exchange, ProbePurpose } from '../types.js';
import { classifyTransportError } from './classify-error.js';
import { urlOnOrigin } from '../http/request-target.js';
import { Pool } from './undici-dispatchers.js';

export const BODY_CAP = 64 * 1024;
/** Rate-limit probe responses are many and judged by headers: keep less of each body. */
const RL_BODY_CAP = 8 * 1024;

export interface ProbeClientOptions {
  timeoutMs: number;
  insecure: boolean;
  /** Headers sent with every request (from --header), e.g. auth. */
  headers: Record<string, string>;
  userAgent: string;
}

export interface ProbeRequest {
  purpose: ProbePurpose;
  method: string;
  /** Path (with query) relative to the target's origin, or an absolute URL. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Endpoint label for results; defaults to `METHOD path-without-query`. */
  endpoint?: string;
  /** Bind to this local address (per-IP rate-limit probe). */
  localAddress?: string;
  meta?: Record<string, unknown>;
  /** Keep the exchange for the checks (default). The reachability request is not judged. */
  record?: boolean;
}

/**
 * Sends probe requests and records exchanges. One undici Pool per origin (and local address),
 * keep-alive, no retries (a retry would hide the failure the check should see), a hard deadline
 * per request (so a server dripping bytes cannot outlast --timeout) and a cap on the body kept.
 */
export class ProbeClient {
  private readonly pools = new Map<string, Pool>();
  private seq = 0;
  readonly exchanges: Exchange[] = [];

  constructor(
    private readonly origin: string,
    private readonly options: ProbeClientOptions,
  ) {}

  private pool(origin: string, localAddress?: string): Pool {
    const key = `${origin}|${localAddress ?? ''}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new Pool(origin, {
        connections: 4,
        pipelining: 1,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
        keepAliveTimeout: 4000,
        maxHeaderSize: 16 * 1024,
        connect: { timeout: this.options.timeoutMs, rejectUnauthorized: !this.options.insecure },
        ...(localAddress ? { localAddress } : {}),
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  async send(req: ProbeRequest): Promise<Exchange> {
    // A path stays on the target's origin, even one that begins // (src/http/request-target.ts).
    const url = req.path.startsWith('/')
      ? urlOnOrigin(this.origin, req.path)
      : new URL(req.path, this.origin);
    const headers: Record<string, string> = {
      'user-agent': this.options.userAgent,
      accept: 'application/json, application/problem+json;q=0.9, */*;q=0.1',
      ...this.options.headers,
      ...req.headers,
    };
    const exchange: Exchange = {
      seq: this.seq++,
      purpose: req.purpose,
      endpoint: req.endpoint ?? `${req.method} ${url.pathname}`,
      request: {
        method: req.method,
        url: url.href,
        headers,
        ...(req.body !== undefined ? { body: req.body } : {}),
      },
      timing: { startedAt: Date.now(), headersMs: 0, totalMs: 0 },
      ...(req.meta ? { meta: req.meta } : {}),
    };
    const cap = req.purpose.startsWith('rl-') ? RL_BODY_CAP : BODY_CAP;
    const t0 = performance.now();
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const res = await this.pool(url.origin, req.localAddress).request({
        method: req.method as 'GET',
        path: url.pathname + url.search,
        headers,
        body: req.body,
        signal,
      });
      exchange.timing.headersMs = performance.now() - t0;
      const responseHeaders: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(res.headers))
        if (v !== undefined) responseHeaders[k.toLowerCase()] = v;
      const chunks: Buffer[] = [];
      let kept = 0;
      let total = 0;
      let truncated = false;
      try {
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          total += chunk.length;
          if (kept < cap) {
            const part = chunk.subarray(0, cap - kept);
            chunks.push(part);
            kept += part.length;
          }
          if (total > cap) {
            // Stop reading a huge body: memory stays bounded and the deadline is not spent on it.
            truncated = true;
            res.body.destroy();
            break;
          }
        }
      } catch (err) {
        if (!truncated) {
          exchange.error = classifyTransportError(err, this.options.timeoutMs);
        }
      }
      exchange.response = {
        status: res.statusCode,
        headers: responseHeaders,
        body: Buffer.concat(chunks).toString('utf8'),
        bodyBytes: total,
        bodyTruncated: truncated,
      };
    } catch (err) {
      exchange.error = classifyTransportError(err, this.options.timeoutMs);
    }
    exchange.timing.totalMs = performance.now() - t0;
    if (req.record !== false) this.exchanges.push(exchange);
    return exchange;
  }

  /** Keeps an exchange sent with `record: false` after all (the reachability request, judged as an endpoint probe). */
  record(exchange: Exchange): void {
    this.exchanges.push(exchange);
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.destroy().catch(() => undefined)));
    this.pools.clear();
  }
}
