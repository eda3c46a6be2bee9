import { createHistogram, type Histogram, recordMicros } from './histogram.js';
import type { IntervalSeries } from './intervals.js';

/** Per-endpoint counters of one load run. */
export interface EndpointStats {
  client: Histogram;
  requests: number;
  errors: number;
  successes: number;
  rateLimited: number;
}

/**
 * All measurement state of one load run in one typed object (no counters hidden in closures), so a
 * test can inspect it and the report can be rebuilt from it.
 */
export interface LoadStats {
  model: 'open' | 'closed';
  requestedRps: number | undefined;
  connections: number;
  startedAt: number;
  endedAt: number;
  /** Requests handed to the connection pool. */
  sent: number;
  completed: number;
  /** Latency from the scheduled send time (coordinated-omission corrected), µs; 429s excluded. */
  client: Histogram;
  /** Latency from the actual send time (service time, wrk2's --u_latency), µs. */
  uncorrected: Histogram;
  /** The server's own X-Latency-MS, µs. */
  server: Histogram;
  /** How late the client dispatched each request against its schedule, µs. */
  lag: Histogram;
  statusCodes: Record<string, number>;
  transportErrors: Record<string, number>;
  rateLimited: number;
  errors: number;
  successes: number;
  endpoints: Map<string, EndpointStats>;
  /** Latency over time, set when the run ends. */
  intervals?: IntervalSeries;
}

export function createLoadStats(
  model: 'open' | 'closed',
  requestedRps: number | undefined,
  connections: number,
  endpoints: string[],
): LoadStats {
  return {
    model,
    requestedRps,
    connections,
    startedAt: 0,
    endedAt: 0,
    sent: 0,
    completed: 0,
    client: createHistogram(),
    uncorrected: createHistogram(),
    server: createHistogram(),
    lag: createHistogram(),
    statusCodes: {},
    transportErrors: {},
    rateLimited: 0,
    errors: 0,
    successes: 0,
    endpoints: new Map(
      endpoints.map((e) => [
        e,
        { client: createHistogram(), requests: 0, errors: 0, successes: 0, rateLimited: 0 },
      ]),
    ),
  };
}

/** One finished request. `status` 0 means a transport error of kind `errorKind`. */
export function recordOutcome(
  s: LoadStats,
  ep: EndpointStats,
  status: number,
  errorKind: string | undefined,
  correctedUs: number,
  serviceUs: number,
  serverMs: number | undefined,
): void {
  s.completed++;
  if (status === 429) {
    s.rateLimited++;
    ep.rateLimited++;
    s.statusCodes['429'] = (s.statusCodes['429'] ?? 0) + 1;
    return;
  }
  ep.requests++;
  recordMicros(s.client, correctedUs);
  recordMicros(ep.client, correctedUs);
  recordMicros(s.uncorrected, serviceUs);
  if (serverMs !== undefined) recordMicros(s.server, serverMs * 1000);
  if (status === 0) {
    s.transportErrors[errorKind ?? 'UNKNOWN'] = (s.transportErrors[errorKind ?? 'UNKNOWN'] ?? 0) + 1;
    s.errors++;
    ep.errors++;
    return;
  }
  const key = String(status);
  s.statusCodes[key] = (s.statusCodes[key] ?? 0) + 1;
  // Availability counts 2xx and 3xx as successful: a 4xx answer (an error page) is not "available".
  if (status >= 500) {
    s.errors++;
    ep.errors++;
  } else if (status < 400) {
    s.successes++;
    ep.successes++;
  }
}
