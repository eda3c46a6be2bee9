import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { DEFAULT_KEY_TTL_MS, type Idempotency } from './idempotency/idempotent-append.js';
import { createMemoryReservations, createRedisReservations } from './idempotency/reservations.js';
import type { ServerMetrics } from './metrics.js';
import { createStoreMetrics } from './store-metrics.js';
import type { RetentionPolicy } from './store/retention.js';
import { StateStore } from './store/state-store.js';

export interface StoreSetupOptions {
  statePath?: string | undefined;
  importStateFrom?: string | undefined;
  retention?: RetentionPolicy | undefined;
  idempotencyTtlMs?: number;
  sweepIntervalMs?: number;
}

/**
 * Opens the durable store with its metrics and log lines: one line at open (where the data lives,
 * how many events, the retention policy, the key expiry), one per import of a version-1 state, per
 * retention sweep that deleted events (warn: data was deleted by policy), per failed commit, and
 * per unexpected end of the writer thread.
 */
export async function openStore(
  options: StoreSetupOptions,
  metrics: ServerMetrics,
  logger: Logger,
): Promise<{ store: StateStore; idempotency: (redis: Redis | undefined, prefix?: string) => Idempotency }> {
  const storeMetrics = createStoreMetrics(metrics.registry);
  const ttlMs = options.idempotencyTtlMs ?? DEFAULT_KEY_TTL_MS;
  const store = await StateStore.open({
    path: options.statePath,
    importFrom: options.importStateFrom,
    retention: options.retention,
    ...(options.sweepIntervalMs ? { sweepIntervalMs: options.sweepIntervalMs } : {}),
    hooks: {
      onCommit: (events, seconds) => metrics.observeCommit(events, seconds),
      onWriteFailure(code) {
        storeMetrics.hooks.onWriteFailure?.(code);
        logger.error(
          { code },
          'state commit failed; its requests were answered 503 and nothing of them was stored',
        );
      },
      onWriterExit(code, message) {
        storeMetrics.hooks.onWriterExit?.(code, message);
        logger.error(
          { code, reason: message },
          'state writer thread exited; the requests it had not acknowledged were answered 503 (a retry with the same Idempotency-Key is safe); the next write starts a new writer',
        );
      },
      onSweep(result) {
        storeMetrics.hooks.onSweep?.(result);
        if (result.prunedByCount + result.prunedByAge > 0)
          logger.warn(
            {
              prunedByCount: result.prunedByCount,
              prunedByAge: result.prunedByAge,
              retention: options.retention,
            },
            'retention policy deleted events',
          );
        if (result.expiredKeys > 0)
          logger.info({ expiredKeys: result.expiredKeys }, 'expired idempotency keys removed');
      },
    },
  });
  storeMetrics.setRetention(options.retention);
  storeMetrics.watchEvents(() => store.eventCount);
  if (store.imported)
    logger.warn(
      store.imported,
      'imported a version-1 state.json into the database; the JSON file is kept as a backup',
    );
  logger.info(
    {
      state: store.path ?? 'in-memory',
      events: store.eventCount,
      retention: options.retention ?? 'none: no event is ever deleted',
      idempotencyKeyTtlSeconds: ttlMs / 1000,
    },
    'state store open',
  );
  return {
    store,
    idempotency: (redis, prefix = 'hc:rl') => ({
      reservations: redis ? createRedisReservations(redis, prefix) : createMemoryReservations(),
      ttlMs,
      logger,
      count: storeMetrics.countIdempotency,
    }),
  };
}
