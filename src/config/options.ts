import type { Category, Endpoint, SloTargets } from '../types.js';

export interface PolicyExpectation {
  name: string;
  limit: number;
  windowSec: number;
}

/** Everything one run needs, after defaults, file and flags are merged and validated. */
export interface RunOptions {
  target: string;
  endpoints: Array<Endpoint & { weight?: number }>;
  /** Sent with every request (from --header / config headers). */
  headers: Record<string, string>;
  /** Sent with load-phase requests only (e.g. a rate-limit bypass key). */
  loadHeaders: Record<string, string>;
  /** Header values to redact from every report. */
  secrets: string[];
  categories: Category[] | undefined;
  skip: string[];
  cacheable: string[];
  slo: SloTargets;
  endpointSlo: Record<string, Partial<SloTargets>>;
  policies: Record<string, PolicyExpectation | 'none'>;
  requireLegacyRateLimitHeaders: boolean;
  rateLimitProbe: boolean;
  waitForReset: boolean;
  sourceAddresses: string[];
  load: {
    rate: number;
    durationSec: number;
    connections: number | undefined;
    requests: number | undefined;
    polite: boolean;
    /** Length of one interval of the latency-over-time series, seconds. */
    intervalSec: number;
  };
  health: { liveness: string; readiness: string };
  timeoutMs: number;
  insecure: boolean;
  strict: boolean;
  errorSchema: { name: string; schema: Record<string, unknown> } | undefined;
  logFile: string | undefined;
  logCommand: string | undefined;
  /** Progress display on stderr during the load phase. */
  onProgress?: (p: { elapsedSec: number; sent: number; rps: number; p99Ms: number; errors: number }) => void;
  /** Diagnostics for stderr (e.g. what the rate-limit probe will send). */
  onNotice?: (line: string) => void;
}

export const DEFAULT_SLO: SloTargets = { p95Ms: 100, p99Ms: 500, errorRate: 0.001, availability: 0.999 };

export const DEFAULT_ENDPOINTS: Endpoint[] = [
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/readyz' },
  { method: 'GET', path: '/v1/info' },
  { method: 'GET', path: '/v1/forecast/summary' },
];

export const DEFAULT_TIMEOUT_MS = 10_000;
