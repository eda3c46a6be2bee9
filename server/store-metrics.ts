import { Counter, Gauge, type Registry } from 'prom-client';
import type { IdempotencyOutcome } from './idempotency/idempotent-append.js';
import type { RetentionPolicy, SweepResult } from './store/retention.js';
import type { StoreHooks } from './store/state-store.js';

/** Metrics of the durable store and of idempotency keys, on the server's registry. */
export interface StoreMetrics {
  hooks: Omit<StoreHooks, 'onCommit'>;
  countIdempotency(outcome: IdempotencyOutcome): void;
  /** Publishes the retention policy (no series of harden_state_retention_limit = nothing is deleted). */
  setRetention(policy: RetentionPolicy | undefined): void;
  /** Reads the stored event count at scrape time. */
  watchEvents(count: () => number): void;
}

export function createStoreMetrics(registry: Registry): StoreMetrics {
  const writeFailures = new Counter({
    name: 'harden_state_write_failures_total',
    help: 'Group commits that failed: their requests got 503 and none of their events was stored.',
    registers: [registry],
  });
  const writerExits = new Counter({
    name: 'harden_state_writer_exits_total',
    help: 'Unexpected ends of the writer thread: the requests it had not acknowledged got 503 (maybe stored, never acknowledged).',
    registers: [registry],
  });
  const pruned = new Counter({
    name: 'harden_state_events_pruned_total',
    help: 'Events deleted by the operator-configured retention policy, by rule (max_events, max_age).',
    labelNames: ['rule'] as const,
    registers: [registry],
  });
  const expired = new Counter({
    name: 'harden_idempotency_keys_expired_total',
    help: 'Idempotency keys removed after their expiry time.',
    registers: [registry],
  });
  const limit = new Gauge({
    name: 'harden_state_retention_limit',
    help: 'The retention policy: max_events (events) and max_age (seconds). No series: events are never deleted.',
    labelNames: ['rule'] as const,
    registers: [registry],
  });
  const idempotency = new Counter({
    name: 'harden_idempotency_requests_total',
    help: 'Requests with an Idempotency-Key, by outcome (stored, replayed, payload_mismatch → 422, in_flight → 409).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  for (const outcome of ['stored', 'replayed', 'payload_mismatch', 'in_flight'])
    idempotency.inc({ outcome }, 0);
  let eventCount: () => number = () => 0;
  new Gauge({
    name: 'harden_state_events',
    help: 'Events stored in the database now.',
    registers: [registry],
    collect() {
      this.set(eventCount());
    },
  });
  return {
    hooks: {
      onWriteFailure: () => writeFailures.inc(),
      onWriterExit: () => writerExits.inc(),
      onSweep: (r: SweepResult) => {
        if (r.prunedByCount) pruned.inc({ rule: 'max_events' }, r.prunedByCount);
        if (r.prunedByAge) pruned.inc({ rule: 'max_age' }, r.prunedByAge);
        if (r.expiredKeys) expired.inc(r.expiredKeys);
      },
    },
    countIdempotency: (outcome) => idempotency.inc({ outcome }),
    setRetention(policy) {
      if (policy?.maxEvents !== undefined) {
        limit.set({ rule: 'max_events' }, policy.maxEvents);
        pruned.inc({ rule: 'max_events' }, 0);
      }
      if (policy?.maxAgeSeconds !== undefined) {
        limit.set({ rule: 'max_age' }, policy.maxAgeSeconds);
        pruned.inc({ rule: 'max_age' }, 0);
      }
    },
    watchEvents(count) {
      eventCount = count;
    },
  };
}
