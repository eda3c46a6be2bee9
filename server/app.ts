import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { type ApiKeyConfig, createApiKeyMatcher } from './api-keys.js';
import type { Context } from './context.js';
import { HttpError } from './errors.js';
import type { ServerMetrics } from './metrics.js';
import { buildProblem } from './problem.js';
import type { RateLimitStore } from './rate-limit-store.js';
import type { Redactor } from './redact.js';
import { HardenedResponse, latencyMsSince } from './response.js';
import type { LingerBounds } from './linger.js';
import type { HandlerDeps } from './routes/handlers.js';
import { allowedMethods, type RouteTable } from './routes/index.js';
import { sendEmpty, sendProblem } from './send.js';
import { assignClientIp, type TrustProxy } from './stages/client-ip.js';
import { deferContinue } from './stages/continue.js';
import { createRateLimitStage } from './stages/rate-limit.js';
import { assignRequestId } from './stages/request-id.js';

export interface AppOptions {
  routes: RouteTable;
  deps: HandlerDeps;
  rateLimitStore: RateLimitStore;
  metrics: ServerMetrics;
  logger: Logger;
  redactor: Redactor;
  trustProxy: TrustProxy;
  apiKeys: readonly ApiKeyConfig[];
  securityHeaders: Readonly<Record<string, string>>;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Bounds of the lingering close after an answer that left the request body unread. */
  linger: LingerBounds;
}

export interface App {
  server: Server;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes the rest. */
  drain(graceMs: number): Promise<void>;
}

type Stage = (ctx: Context) => void | Promise<void>;

const EMPTY_QUERY: URLSearchParams = new URLSearchParams();

/**
 * The hardened request pipeline. Stages run in this order for every request:
 *   request id → client ip → api key → rate limit → route (404/405/OPTIONS) → handler
 * X-Latency-MS is stamped by HardenedResponse whenever headers are written; security headers are
 * part of every context's header set. Every error, thrown anywhere, ends in `fail` — the one sink.
 */
export function createApp(options: AppOptions): App {
  const { routes, deps, logger, redactor, metrics } = options;
  const keys = createApiKeyMatcher(options.apiKeys);
  const rateLimit = createRateLimitStage(options.rateLimitStore, metrics);
  const lifecycle = { draining: false };

  const authenticate: Stage = (ctx) => {
    const presented = ctx.req.headers['x-api-key'];
    ctx.apiKey = keys.match(typeof presented === 'string' ? presented : undefined);
  };

  const route: Stage = (ctx) => {
    const methods = routes.get(ctx.path);
    if (!methods) throw new HttpError(404, 'NOT_FOUND', 'No resource exists at this path.');
    const allow = allowedMethods(methods);
    if (ctx.method === 'OPTIONS') return sendEmpty(ctx, 204, { allow });
    const handler = methods[ctx.method] ?? (ctx.method === 'HEAD' ? methods.GET : undefined);
    if (!handler) {
      throw new HttpError(
        405,
        'METHOD_NOT_ALLOWED',
        `${ctx.method} is not supported here; see the Allow header.`,
        {
          headers: { allow },
        },
      );
    }
    return handler(ctx, deps);
  };

  const pipeline: readonly Stage[] = [
    assignRequestId,
    (ctx) => assignClientIp(ctx, options.trustProxy),
    authenticate,
    rateLimit,
    route,
  ];

  const fail = (ctx: Context, err: unknown): void => {
    if (err instanceof HttpError) {
      sendProblem(ctx, err.status, err.detail, err.headers, err.extensions);
      return;
    }
    const e = err as Error;
    logger.error(
      {
        reqId: ctx.requestId,
        route: ctx.route,
        err: { type: e?.name, message: redactor.text(String(e?.message)) },
      },
      'request failed',
    );
    sendProblem(ctx, 500, 'An internal error occurred; quote the request_id when reporting it.');
  };

  const logEnabled = logger.isLevelEnabled('info');
  const logRequest = (ctx: Context): void => {
    const { res } = ctx;
    const seconds = Number(process.hrtime.bigint() - res.startedAt) / 1e9;
    metrics.observeRequest(ctx.method, ctx.route, res.statusCode, seconds);
    if (!logEnabled) return;
    const line: Record<string, unknown> = {
      reqId: ctx.requestId,
      method: ctx.method,
      route: ctx.route,
      path: redactor.text(safeDecode(ctx.req.url ?? '')),
      status: res.statusCode,
      latencyMs: Math.round(seconds * 1e6) / 1e3,
      client: redactor.tag('ip', ctx.clientIp),
      req: { headers: pickHeaders(ctx.req, redactor) },
    };
    if (ctx.policy) line.policy = ctx.policy;
    if (ctx.apiKey) line.apiKey = ctx.apiKey.id;
    if (ctx.body !== undefined) line.body = redactor.value(ctx.body);
    if (!res.writableFinished) line.aborted = true;
    logger.info(line, 'request');
  };

  const handle = async (req: IncomingMessage, res: HardenedResponse): Promise<void> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const ctx: Context = {
      req,
      res,
      method: req.method ?? 'GET',
      path,
      query: q === -1 ? EMPTY_QUERY : new URLSearchParams(url.slice(q + 1)),
      requestId: '',
      clientIp: '',
      // Known before routing so that 429s and 405s are labelled with their route in metrics.
      route: routes.has(path) ? path : 'unmatched',
      policy: undefined,
      headers: { ...options.securityHeaders },
      body: undefined,
      apiKey: undefined,
    };
    res.lifecycle = lifecycle;
    res.linger = options.linger;
    res.once('close', () => logRequest(ctx));
    try {
      for (const stage of pipeline) {
        const r = stage(ctx);
        if (r) await r;
        if (res.headersSent) break;
      }
    } catch (err) {
      fail(ctx, err);
    }
  };

  const server = createHttpServer(
    {
      ServerResponse: HardenedResponse as unknown as typeof import('node:http').ServerResponse,
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      // How often Node looks for requests past their header/request timeouts (default 30 s).
      connectionsCheckingInterval: Math.min(1000, options.headersTimeoutMs),
      maxHeaderSize: 16 * 1024,
      requireHostHeader: false,
    },
    (req, res) => {
      void handle(req, res as unknown as HardenedResponse);
    },
  );
  // With a listener, Node no longer answers `Expect: 100-continue` by itself (see stages/continue.ts).
  server.on('checkContinue', (req: IncomingMessage, res) => {
    deferContinue(req, res);
    void handle(req, res as unknown as HardenedResponse);
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) =>
    answerClientError(err, socket, options.securityHeaders),
  );

  const drain = async (graceMs: number): Promise<void> => {
    lifecycle.draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    await closed;
    clearTimeout(timer);
  };

  return { server, drain };
}

const CENSORED_HEADERS = new Set(['authorization', 'x-api-key', 'cookie']);
const LOGGED_HEADERS = [
  'user-agent',
  'content-type',
  'content-length',
  'authorization',
  'x-api-key',
  'cookie',
];

/** Allow-listed request headers for the log line; secret ones are replaced by pino's `redact`. */
function pickHeaders(req: IncomingMessage, redactor: Redactor): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of LOGGED_HEADERS) {
    const v = req.headers[name];
    if (v === undefined) continue;
    // Secret-named headers are censored whole by pino's redact; the rest are scanned for patterns.
    out[name] = typeof v === 'string' && !CENSORED_HEADERS.has(name) ? redactor.text(v) : v;
  }
  return out;
}

/** Percent-decodes a URL for pattern redaction (`%40` hides an e-mail's `@`); keeps it on bad escapes. */
function safeDecode(url: string): string {
  if (!url.includes('%') && !url.includes('+')) return url;
  try {
    return decodeURIComponent(url.replace(/\+/g, ' '));
  } catch {
    return url;
  }
}

const CLIENT_ERROR_STATUS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request headers are too large.'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request was not received in time.'],
  HPE_HEADERS_TIMEOUT: [408, 'The request headers were not received in time.'],
};

/**
 * Answers requests Node's parser rejects before our pipeline sees them (malformed syntax, oversized
 * headers, slow clients), still with the header contract and a problem body, then closes.
 */
function answerClientError(
  err: NodeJS.ErrnoException,
  socket: Socket,
  security: Readonly<Record<string, string>>,
): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, detail] = CLIENT_ERROR_STATUS[err.code ?? ''] ?? [400, 'The request is not valid HTTP.'];
  const requestId = randomUUID();
  const body = JSON.stringify(buildProblem(status, detail, '/', requestId));
  const reason =
    status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
  const head = [
    `HTTP/1.1 ${status} ${reason}`,
    'content-type: application/problem+json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    `x-request-id: ${requestId}`,
    `x-latency-ms: ${latencyMsSince(process.hrtime.bigint())}`,
    ...Object.entries(security).map(([k, v]) => `${k}: ${v}`),
    'connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
