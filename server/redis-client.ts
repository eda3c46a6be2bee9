import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ServerCommandError } from './errors.js';
import type { ServerMetrics } from './metrics.js';

/** Default per-command timeout (ms): the longest a request waits on Redis before its 503. */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 100;

/** Longest pause between reconnect attempts while Redis is away (ms); recovery takes at most this. */
export const REDIS_MAX_RECONNECT_DELAY_MS = 500;

export interface RedisClientOptions {
  url: string;
  commandTimeoutMs?: number;
  logger: Logger;
  metrics: ServerMetrics;
}

/** Interval of the liveness ping that notices a Redis which stopped answering (ms). */
const HEARTBEAT_MS = 1000;

/** A connected Redis client and how to let it go at shutdown. */
export interface RedisDependency {
  client: Redis;
  /** Stops the heartbeat and quits (no "dependency lost" event for this closing). */
  close(): Promise<void>;
}

/**
 * Connects to Redis for the rate-limit store and fails fast while it is away:
 * - `enableOfflineQueue: false`: while disconnected a command is rejected at once instead of
 *   waiting in ioredis' offline queue for a reconnect;
 * - `maxRetriesPerRequest: 0`: commands in flight when the connection drops are rejected at once
 *   instead of being re-sent after a reconnect;
 * - `commandTimeout`: a Redis that accepts connections but does not answer (stopped process,
 *   black-holed network) costs each command at most this long.
 * ioredis keeps reconnecting by itself (backoff capped at REDIS_MAX_RECONNECT_DELAY_MS); each
 * outage and each recovery is logged once as a lifecycle event and mirrored in
 * `harden_dependency_up{dependency="redis"}`. A heartbeat ping every HEARTBEAT_MS notices a Redis
 * that accepts connections but stopped answering.
 */
export async function connectRedis(options: RedisClientOptions): Promise<RedisDependency> {
  const { url, logger, metrics } = options;
  const host = describeRedisUrl(url);
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: 3000,
    retryStrategy: (attempt) => Math.min(attempt * 50, REDIS_MAX_RECONNECT_DELAY_MS),
  });
  // Connection errors surface through connect() below; without a listener ioredis prints them.
  const swallow = () => undefined;
  redis.on('error', swallow);
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    redis.disconnect();
    throw new ServerCommandError(
      'REDIS_UNREACHABLE',
      `--redis: cannot connect to ${host}; is redis-server running?`,
    );
  }
  metrics.setDependencyUp('redis', true);
  let up = true;
  let stopping = false;
  const lost = (reason: string) => {
    if (!up || stopping) return;
    up = false;
    metrics.setDependencyUp('redis', false);
    logger.warn(
      { event: 'dependency_lost', dependency: 'redis', address: host, reason },
      `redis at ${host} unreachable; rate-limited requests get 503 until it returns`,
    );
  };
  redis.off('error', swallow);
  redis.on('error', (err: NodeJS.ErrnoException) => lost(err.code ?? err.name));
  redis.on('close', () => lost('connection closed'));
  redis.on('ready', () => {
    if (up) return;
    up = true;
    metrics.setDependencyUp('redis', true);
    logger.info(
      { event: 'dependency_back', dependency: 'redis', address: host },
      `redis at ${host} reachable again`,
    );
  });
  // A Redis that stops answering on an open connection (stopped process, black-holed network)
  // closes nothing, so a heartbeat notices it: on a timeout the connection is dropped, and until a
  // reconnect succeeds every command fails at once (offline queue disabled) instead of waiting.
  const heartbeat = setInterval(() => {
    if (redis.status !== 'ready') return;
    redis.ping().catch((err: Error) => {
      if (stopping || redis.status !== 'ready') return;
      lost(err.message === 'Command timed out' ? 'ping timed out' : 'ping failed');
      redis.disconnect(true);
    });
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    client: redis,
    async close() {
      stopping = true;
      clearInterval(heartbeat);
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}

/** host:port of a redis:// URL without credentials, for messages and logs. */
export function describeRedisUrl(url: string): string {
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
  return `${parsed.hostname || '127.0.0.1'}:${parsed.port || '6379'}`;
}
