import type { LatencyEvidence } from '../checks/define.js';
import type { LatencySummary } from '../types.js';
import { decodeHistogram, encodeHistogram, type Histogram, percentilesMs, shareAbove } from './histogram.js';
import type { LoadStats } from './stats.js';

/**
 * Client lag beyond which latency verdicts become inconclusive (docs/contract.md: name the lag): the 99th
 * percentile of dispatch delay over 50 ms, or any single delay over 500 ms. Below that, timer
 * jitter of a busy machine (tens of ms on a shared 2-core box) is not called "behind".
 */
export const LAG_P99_LIMIT_MS = 50;
export const LAG_MAX_LIMIT_MS = 500;

/** The JSON report's `latency` section from a load run. */
export function summarizeLoad(s: LoadStats, politeNote: string | undefined): LatencySummary {
  const seconds = Math.max((s.endedAt - s.startedAt) / 1000, 1e-9);
  const endpoints: Record<string, unknown> = {};
  for (const [label, ep] of s.endpoints) {
    endpoints[label] = {
      requests: ep.requests,
      errors: ep.errors,
      successes: ep.successes,
      rateLimited: ep.rateLimited,
      clientMs: percentilesMs(ep.client),
      histogram: encodeHistogram(ep.client),
    };
  }
  return {
    requests: s.completed,
    errors: s.errors,
    rateLimited: s.rateLimited,
    throughputRps: Math.round((s.completed / seconds) * 10) / 10,
    clientMs: percentilesMs(s.client),
    // No response carried a valid X-Latency-MS: omit the server percentiles rather than report zeros.
    ...(s.server.totalCount > 0 ? { serverMs: percentilesMs(s.server) } : {}),
    histogram: encodeHistogram(s.client),
    model: s.model,
    requestedRps: s.requestedRps ?? null,
    durationSec: Math.round(seconds * 1000) / 1000,
    connections: s.connections,
    uncorrectedMs: percentilesMs(s.uncorrected),
    uncorrectedHistogram: encodeHistogram(s.uncorrected),
    ...(s.server.totalCount > 0 ? { serverHistogram: encodeHistogram(s.server) } : {}),
    statusCodes: s.statusCodes,
    transportErrors: s.transportErrors,
    successes: s.successes,
    clientLagMs: { p99: percentilesMs(s.lag).p99, max: percentilesMs(s.lag).max },
    ...(politeNote ? { politeNote } : {}),
    endpoints,
    ...(s.intervals ? { intervals: s.intervals } : {}),
  };
}

interface EndpointSection {
  requests: number;
  errors: number;
  successes: number;
  histogram: string;
}

/**
 * Evidence for the slo checks, rebuilt from a `latency` section alone — so a merged report is
 * judged exactly like a live run.
 */
export function evidenceFromSummary(summary: LatencySummary): LatencyEvidence {
  const overall = decodeHistogram(summary.histogram);
  const eps = (summary.endpoints ?? {}) as Record<string, EndpointSection>;
  const hists = new Map<string, Histogram>();
  const hist = (endpoint?: string): Histogram => {
    if (!endpoint) return overall;
    let h = hists.get(endpoint);
    if (!h) {
      h = decodeHistogram(eps[endpoint]?.histogram ?? summary.histogram);
      hists.set(endpoint, h);
    }
    return h;
  };
  const requests = summary.requests - summary.rateLimited;
  const lag = (summary.clientLagMs ?? { max: 0 }) as { max: number; p99: number };
  return {
    summary,
    quantileMs: (q, endpoint) => hist(endpoint).getValueAtPercentile(q * 100) / 1000,
    shareAbove: (ms, endpoint) => shareAbove(hist(endpoint), ms * 1000),
    count: (endpoint) => (endpoint ? (eps[endpoint]?.requests ?? 0) : requests),
    errors: (endpoint) => (endpoint ? (eps[endpoint]?.errors ?? 0) : summary.errors),
    successes: (endpoint) =>
      endpoint ? (eps[endpoint]?.successes ?? 0) : Number(summary.successes ?? requests - summary.errors),
    clientLag: { maxMs: lag.max, behind: lag.p99 > LAG_P99_LIMIT_MS || lag.max > LAG_MAX_LIMIT_MS },
    endpoints: Object.keys(eps),
  };
}
