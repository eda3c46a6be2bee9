import type { ExecutionRecord } from './load/execution.js';

/** Categories of checks (docs/contract.md). */
export type Category = 'contract' | 'ratelimit' | 'security' | 'errors' | 'logs' | 'health' | 'slo';
export const CATEGORIES: readonly Category[] = [
  'contract',
  'ratelimit',
  'security',
  'errors',
  'logs',
  'health',
  'slo',
];

export type Status = 'pass' | 'fail' | 'warn' | 'skip';

/** An endpoint to probe, e.g. `GET /items`. */
export interface Endpoint {
  method: string;
  /** Relative to the URL's base path, as configured (`/items`, `/` for the URL's own path). */
  path: string;
  /** `METHOD /path` as requested, base path included (set by labelEndpoints; reports show it). */
  label?: string;
  /** JSON body for non-GET endpoints (only sent where a check needs it). */
  body?: unknown;
}

/** Why a request was sent; checks select the exchanges they judge by purpose. */
export type ProbePurpose =
  | 'endpoint'
  | 'endpoint-repeat'
  | 'not-found'
  | 'wrong-method'
  | 'malformed-json'
  | 'echo-id'
  | 'hostile-id'
  | 'cors-preflight'
  | 'cors-simple'
  | 'health'
  | 'log-canary'
  | 'rl-exhaust'
  | 'rl-spoof'
  | 'rl-other-policy'
  | 'rl-other-ip'
  | 'rl-reset';

/** One request and what came back: the only thing checks ever see. */
export interface Exchange {
  seq: number;
  purpose: ProbePurpose;
  /** `METHOD /path` label used in results. */
  endpoint: string;
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response?: {
    status: number;
    /** Lower-cased names; repeated fields keep every value. */
    headers: Record<string, string | string[]>;
    body: string;
    bodyBytes: number;
    bodyTruncated: boolean;
  };
  /** Transport failure (timeout, reset, TLS, not HTTP); `response` is then absent. */
  error?: { code: string; message: string };
  timing: { startedAt: number; headersMs: number; totalMs: number };
  /** Free data a probe step attaches (e.g. the hostile id it sent). */
  meta?: Record<string, unknown>;
}

/** One verdict of one check, usually on one endpoint. */
export interface CheckResult {
  id: string;
  category: Category;
  status: Status;
  endpoint?: string;
  message: string;
  expected?: unknown;
  actual?: unknown;
}

export interface SloTargets {
  p95Ms: number;
  p99Ms: number;
  errorRate: number;
  availability: number;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** The `latency` section of the JSON report (docs/contract.md). */
export interface LatencySummary {
  requests: number;
  errors: number;
  rateLimited: number;
  throughputRps: number;
  clientMs: Percentiles;
  serverMs?: Percentiles;
  histogram: string;
  [extra: string]: unknown;
}

/** The JSON report (docs/contract.md); schemaVersion 1. */
export interface Report {
  schemaVersion: 1;
  tool: 'harden-check';
  version: string;
  rulesVersion: string;
  target: string;
  startedAt: string;
  durationMs: number;
  /** `error`: the run could not judge the target (unreachable, not HTTP); `error` says why. */
  verdict: 'pass' | 'fail' | 'error';
  /** Why the verdict is `fail` although no check failed: nothing was verified, or --strict warnings. */
  verdictReason?: string;
  error?: { code: string; message: string };
  summary: { pass: number; fail: number; warn: number; skip: number };
  checks: CheckResult[];
  /** What was probed and where the endpoints came from (docs/contract.md: what a run probes). */
  endpoints?: {
    source: string;
    probed: string[];
    /** Endpoints that answered 401/403/404/405 and were left out of the load phase. */
    notServing?: string[];
    /** OpenAPI operations the run left out, with the reason. */
    leftOut: Array<{ operation: string; reason: string }>;
  };
  latency?: LatencySummary;
  /** The comparison with a previous run (`--baseline`), schema/diff.schema.json. */
  baseline?: import('./diff/diff-reports.js').ReportDiff;
  slo: SloTargets & { endpoints?: Record<string, Partial<SloTargets>> };
  /** Sharding, early abort and interruption of the run (src/load/execution.ts). */
  execution?: ExecutionRecord;
}
