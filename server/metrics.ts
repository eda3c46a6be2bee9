import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { LATENCY_BUCKETS_SECONDS } from './latency-buckets.js';

/** The SLI metrics of docs/contract.md, on a registry owned by one server instance. */
export interface ServerMetrics {
  registry: Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  countRateLimited(policy: string): void;
  /** One durable commit of the state file: how many events it carried and how long it took. */
  observeCommit(events: number, seconds: number): void;
  /** `harden_dependency_up{dependency}`: 1 while the dependency answers, 0 during an outage. */
  setDependencyUp(dependency: string, up: boolean): void;
}

export function createMetrics(options: { processMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request arrival to response end, by route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [...LATENCY_BUCKETS_SECONDS],
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'http_rate_limit_rejections_total',
    help: 'Requests rejected with 429, by rate-limit policy.',
    labelNames: ['policy'] as const,
    registers: [registry],
  });
  const commits = new Histogram({
    name: 'harden_state_commit_duration_seconds',
    help: 'Time of one group commit to the database (one transaction, its WAL fsynced).',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const committed = new Counter({
    name: 'harden_state_events_committed_total',
    help: 'Webhook events made durable (acknowledged with 202).',
    registers: [registry],
  });
  const dependencyUp = new Gauge({
    name: 'harden_dependency_up',
    help: 'Whether a dependency (e.g. redis) is reachable: 1 up, 0 down.',
    labelNames: ['dependency'] as const,
    registers: [registry],
  });
  // Labelled children are cached: labels() hashes its arguments on every call.
  const children = new Map<string, ReturnType<typeof duration.labels>>();
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      const key = `${method} ${route} ${status}`;
      let child = children.get(key);
      if (!child) {
        child = duration.labels(method, route, String(status));
        children.set(key, child);
      }
      child.observe(seconds);
    },
    observeCommit(events, seconds) {
      commits.observe(seconds);
      committed.inc(events);
    },
    countRateLimited(policy) {
      rejected.labels(policy).inc();
    },
    setDependencyUp(dependency, up) {
      dependencyUp.labels(dependency).set(up ? 1 : 0);
    },
  };
}
