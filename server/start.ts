import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ApiKeyConfig } from './api-keys.js';
import { createApp } from './app.js';
import { DEFAULT_LINGER, type LingerBounds } from './linger.js';
import { createLogger, createSilentLogger, flushLog, reopenLogFile } from './logger.js';
import { createMetrics } from './metrics.js';
import { createRateLimitStore } from './rate-limit-store.js';
import { connectRedis, type RedisDependency } from './redis-client.js';
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
  /** Longest wait on one Redis command before the request gets 503 (ms, default 100). */
  redisCommandTimeoutMs?: number | undefined;
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
  /** Bounds of the lingering close after an early answer (default DEFAULT_LINGER). */
  linger?: LingerBounds;
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
  close(graceMs?: number, reason?: string): Promise<void>;
  /** Reopens the log file at its path (after logrotate renamed it) and logs that it did. */
  reopenLog(): void;
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
  logger.info(
    {
      event: 'start',
      version: VERSION,
      pid: process.pid,
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 8080,
      rateLimitStore: options.redisUrl ? 'redis' : 'memory',
    },
    'harden-server starting',
  );
  let redisDep: RedisDependency | undefined;
  try {
    if (options.redisUrl) {
      redisDep = await connectRedis({
        url: options.redisUrl,
        commandTimeoutMs: options.redisCommandTimeoutMs,
        logger,
        metrics,
      });
    }
  } catch (err) {
    await store.close();
    throw err;
  }
  const redis = redisDep?.client;
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
    linger: options.linger ?? DEFAULT_LINGER,
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    app.server.once('error', reject);
    app.server.listen(options.port ?? 8080, host, () => {
      app.server.off('error', reject);
      resolve();
    });
  }).catch(async (err: NodeJS.ErrnoException) => {
    await store.close();
    await redisDep?.close();
    throw listenError(err, host, options.port ?? 8080);
  });
  const { port } = app.server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  logger.info({ event: 'ready', url, pid: process.pid }, `harden-server listening on ${url}`);
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    store,
    logger,
    close(graceMs = 10_000, reason = 'close') {
      closing ??= (async () => {
        logger.info({ event: 'drain', reason, graceMs }, 'draining in-flight requests');
        const started = process.hrtime.bigint();
        await app.drain(graceMs);
        await store.close();
        await redisDep?.close();
        const drainMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
        logger.info({ event: 'stop', reason, drainMs }, 'harden-server stopped');
        await flushLog(logger);
      })();
      return closing;
    },
    reopenLog() {
      const reopened = reopenLogFile(logger);
      if (reopened) logger.info({ event: 'log_reopened', file: reopened }, 'log file reopened');
      else logger.info({ event: 'log_reopen_skipped' }, 'SIGHUP: logging to stdout, nothing to reopen');
    },
  };
}

/** A listen error as one line that names the address and the flag to change. */
function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (err.code === 'EADDRINUSE')
    return new ServerCommandError(
      'PORT_IN_USE',
      `port ${port} on ${host} is already in use; pick another with --port`,
    );
  if (err.code === 'EACCES')
    return new ServerCommandError(
      'PORT_FORBIDDEN',
      `cannot listen on ${where}: permission denied (ports below 1024 need privileges); pick another with --port`,
    );
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND')
    return new ServerCommandError(
      'HOST_UNAVAILABLE',
      `cannot listen on ${where}: ${host} is not an address of this machine; fix --host`,
    );
  return new ServerCommandError('LISTEN_FAILED', `cannot listen on ${where}: ${err.code ?? err.message}`);
}
