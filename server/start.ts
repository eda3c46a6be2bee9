import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ApiKeyConfig } from './api-keys.js';
import { createApp } from './app.js';
import { createLogger, createSilentLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { createRateLimitStore } from './rate-limit-store.js';
import { createRedactor } from './redact.js';
import type { Handler, HandlerDeps } from './routes/handlers.js';
import { ROUTES } from './routes/index.js';
import { DEFAULT_BODY_LIMIT } from './stages/body.js';
import { parseTrustProxy } from './stages/client-ip.js';
import { createSecurityHeaders } from './stages/security-headers.js';
import { openStore } from './store-setup.js';
import type { RetentionPolicy } from './store/retention.js';
import type { StateStore } from './store/state-store.js';
import { VERSION } from './version.js';
import { ServerCommandError } from './errors.js';

/** SLO targets of docs/contract.md, published on /v1/info. */
export const SLO_TARGETS = { p95Ms: 100, p99Ms: 500, errorRate: 0.001, availability: 0.999 } as const;

export interface ServerOptions {
  host?: string;
  port?: number;
  /** Database file; omitted keeps state in an in-memory database (embedded use). */
  statePath?: string | undefined;
  /** A version-1 state.json imported when the database does not exist yet. */
  importStateFrom?: string | undefined;
  /** What may be deleted; omitted (the default) deletes no event. */
  retention?: RetentionPolicy | undefined;
  /** How long an Idempotency-Key's first response is replayed (ms; default 24 h). */
  idempotencyTtlMs?: number;
  /** How often expired keys and retained-out events are removed (ms; default 60 s). */
  sweepIntervalMs?: number;
  redisUrl?: string | undefined;
  /** Namespace of rate-limit keys in Redis, so several deployments can share one Redis. */
  redisPrefix?: string | undefined;
  /** Log destination: a file path, 'stdout', or 'silent'. */
  log?: string;
  trustProxy?: string | undefined;
  bodyLimit?: number;
  apiKeys?: readonly ApiKeyConfig[];
  /** Send HSTS (set when TLS is terminated in front of this server). */
  hsts?: boolean;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  /** Collect process metrics (CPU, memory, event loop) into /metrics. */
  processMetrics?: boolean;
  /** Extra routes merged over the built-in table (extension point for embedding and tests). */
  extraRoutes?: ReadonlyMap<string, Readonly<Record<string, Handler>>>;
}

export interface RunningServer {
  url: string;
  port: number;
  store: StateStore;
  logger: Logger;
  /** Graceful stop: drain in-flight requests, flush state, release the lock, close Redis. */
  close(graceMs?: number): Promise<void>;
}

/** Starts the reference server with the whole hardened pipeline. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const trustProxy = parseTrustProxy(options.trustProxy);
  const redactor = createRedactor();
  const logger =
    options.log === undefined || options.log === 'silent'
      ? createSilentLogger()
      : createLogger({ file: options.log === 'stdout' ? undefined : options.log, redactor });
  const metrics = createMetrics({ processMetrics: options.processMetrics ?? true });
  const { store, idempotency } = await openStore(options, metrics, logger);
  let redis: Redis | undefined;
  try {
    if (options.redisUrl) {
      redis = await connectRedis(options.redisUrl);
      // ioredis reconnects by itself; log each outage once (not per retry) instead of its default
      // stack trace on stderr. Requests fail closed with 503 meanwhile (see stages/rate-limit.ts).
      let down = false;
      redis.on('error', (err: NodeJS.ErrnoException) => {
        if (!down)
          logger.warn(
            { err: { code: err.code ?? err.name } },
            'redis unreachable; rate-limited requests get 503',
          );
        down = true;
      });
      redis.on('ready', () => {
        if (down) logger.info('redis reachable again');
        down = false;
      });
    }
  } catch (err) {
    await store.close();
    throw err;
  }
  const deps: HandlerDeps = {
    store,
    idempotency: idempotency(redis, options.redisPrefix),
    metrics,
    redis,
    version: VERSION,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    slo: { ...SLO_TARGETS },
  };
  const routes = options.extraRoutes ? new Map([...ROUTES, ...options.extraRoutes]) : ROUTES;
  const app = createApp({
    routes,
    deps,
    rateLimitStore: createRateLimitStore(redis, options.redisPrefix),
    metrics,
    logger,
    redactor,
    trustProxy,
    apiKeys: options.apiKeys ?? [],
    securityHeaders: createSecurityHeaders({ hsts: options.hsts ?? false }),
    headersTimeoutMs: options.headersTimeoutMs ?? 10_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 5_000,
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    app.server.once('error', reject);
    app.server.listen(options.port ?? 8080, host, () => {
      app.server.off('error', reject);
      resolve();
    });
  }).catch(async (err) => {
    await store.close();
    redis?.disconnect();
    throw err;
  });
  const { port } = app.server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    store,
    logger,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        await app.drain(graceMs);
        await store.close();
        if (redis) await redis.quit().catch(() => redis?.disconnect());
        await new Promise<void>((resolve) => logger.flush(() => resolve()));
      })();
      return closing;
    },
  };
}

async function connectRedis(url: string): Promise<Redis> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ServerCommandError(
      'REDIS_URL_INVALID',
      `--redis: "${url}" is not a URL (e.g. redis://127.0.0.1:6379)`,
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ServerCommandError(
      'REDIS_URL_INVALID',
      `--redis: unsupported scheme ${parsed.protocol} (use redis:// or rediss://)`,
    );
  }
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 3000,
  });
  // Connection errors surface through connect() below; without a listener ioredis prints them.
  const swallow = () => undefined;
  redis.on('error', swallow);
  try {
    await redis.connect();
    await redis.ping();
    redis.off('error', swallow);
  } catch {
    redis.disconnect();
    throw new ServerCommandError(
      'REDIS_UNREACHABLE',
      `--redis: cannot connect to ${parsed.host || url}; is redis-server running?`,
    );
  }
  return redis;
}
